import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { freePort } from '../../helpers/free-port.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../../helpers/run-cli-in-process.js';
import { startServeInProcess } from '../../helpers/serve-in-process.js';
import { startMisbehavingUpstream, type MisbehavingUpstream } from '../helpers/misbehaving-upstream.js';

let upstream: MisbehavingUpstream;
let dir: string;
beforeAll(async () => {
  upstream = await startMisbehavingUpstream();
  dir = await mkdtemp(join(tmpdir(), 'routellm-gateway-'));
});
afterAll(async () => {
  await upstream.close();
  await rm(dir, { recursive: true, force: true });
});


describe('routellm serve with a gateway config file', () => {
  it('reads models, providers, prices and server settings; falls back from a dead provider; logs to stderr without keys', async () => {
    const deadPort = await freePort();
    const config = join(dir, 'gateway.yaml');
    await writeFile(
      config,
      `random:
  seed: 3
models:
  strong: dead/big-model
  weak: live/small-model
providers:
  dead:
    base_url: http://127.0.0.1:${deadPort}/v1
  live:
    base_url: ${upstream.baseURL}
    api_key_env: LIVE_KEY
prices:
  big-model: { input: 10, output: 30 }
  small-model: { input: 1, output: 1 }
server:
  auth_keys: \${CLIENT_KEYS}
  ttfb_timeout: 5
`,
    );
    const serve = await startServeInProcess(['--port', '0', '--routers', 'random', '--config', config], {
      env: { CLIENT_KEYS: 'ck-one,ck-two', LIVE_KEY: 'sk-live-upstream' },
      cwd: dir,
    });
    const url = serve.listening[1]!;
    expect(serve.log()).toContain('strong: dead/big-model; weak: live/small-model');
    expect(serve.log()).toContain('auth on (2 key(s))');

    const refused = (await new OpenAI({ baseURL: `${url}/v1`, apiKey: 'ck-wrong', maxRetries: 0 }).models.list().catch((error: unknown) => error)) as APIError;
    expect(refused.status).toBe(401);

    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'ck-two', maxRetries: 0 });
    // Threshold 0: every prompt goes to the strong model, whose provider refuses connections.
    const { data, response } = await client.chat.completions.create({ model: 'router-random-0', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(data.choices[0]?.message.content).toBe('answer from small-model');
    expect(response.headers.get('x-routellm-fallback')).toBe('dead/big-model');
    expect(response.headers.get('x-routellm-model')).toBe('live/small-model');
    expect(upstream.requests.at(-1)?.headers.authorization).toBe('Bearer sk-live-upstream');

    const stats = (await (await fetch(`${url}/v1/routellm/stats`, { headers: { authorization: 'Bearer ck-one' } })).json()) as any;
    expect(stats.models['live/small-model'].requests).toBe(1);
    expect(stats.spend_usd).toBeGreaterThan(0);
    expect(stats.strong_only_spend_usd).toBeGreaterThan(stats.spend_usd);

    expect(await serve.stop()).toBe(0);
    const log = serve.log();
    const lines = log.split('\n').filter((line) => line.startsWith('{'));
    const chat = lines.map((line) => JSON.parse(line)).find((line) => line.path === '/v1/chat/completions');
    expect(chat).toMatchObject({ status: 200, attempts: 2, fallback_from: 'dead/big-model', model: 'live/small-model', router: 'random' });
    for (const secret of ['ck-one', 'ck-two', 'ck-wrong', 'sk-live-upstream']) expect(log).not.toContain(secret);
  });

  it('warns at start-up about a model without a price, and reports no made-up saving', async () => {
    const serve = await startServeInProcess(
      ['--port', '0', '--routers', 'random', '--strong-model', 'gpt-4o', '--weak-model', 'my-local-llm', '--base-url', upstream.baseURL],
      { cwd: dir },
    );
    const url = serve.listening[1]!;
    const warnings = serve
      .log()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line))
      .filter((line) => line.level === 40);
    expect(warnings).toHaveLength(1); // gpt-4o has a default price
    expect(warnings[0]).toMatchObject({ models: ['my-local-llm'] });
    expect(warnings[0].msg).toContain('model "my-local-llm" has no price');
    expect(warnings[0].msg).toContain('prices: { "my-local-llm": { input:');

    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0 });
    for (const model of ['router-random-0', 'router-random-1', 'router-random-1']) {
      await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });
    }
    const stats = (await (await fetch(`${url}/v1/routellm/stats`)).json()) as any;
    expect(stats).toMatchObject({ requests: 3, unpriced_requests: 2, saving_usd: null, saving_ratio: null });
    expect(stats.saving_unknown_because).toContain('"my-local-llm", which has no price');
    expect(stats.spend_usd).toBeGreaterThan(0); // the gpt-4o request
    // The gauge says NaN rather than a saving that counts the local model as free.
    expect(await (await fetch(`${url}/metrics`)).text()).toMatch(/^routellm_saving_usd nan$/im);
    expect(await serve.stop()).toBe(0);
  });

  it.each([
    ['server:\n  timeout: soon\n', 'server.timeout must be a number of seconds'],
    ['providers:\n  p:\n    base_url: not a url\n', 'providers.p.base_url must be an http(s) URL'],
    ['models:\n  strong: [a, b]\n', 'models.strong must be a non-empty string'],
  ])('exits 2 with one line naming the bad key for %j', async (text, message) => {
    const config = join(dir, 'bad.yaml');
    await writeFile(config, text);
    const result = await runCliInProcess(['serve', '--port', '0', '--config', config, '--base-url', 'http://127.0.0.1:1/v1']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('exits 2 for a bad gateway flag', async () => {
    const result = await runCliInProcess(['serve', '--timeout', '-3', '--base-url', 'http://127.0.0.1:1/v1']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--timeout');
  });

  it('documents the gateway flags and that /health stays open', async () => {
    const result = await runCliInProcess(['serve', '--help']);
    for (const flag of ['--auth-key', '--no-fallback', '--timeout', '--ttfb-timeout', '--max-concurrency', '--max-queue', '--log-prompts']) {
      expect(result.stdout).toContain(flag);
    }
    // Help is wrapped to the terminal's width: read it as flowing text.
    expect(result.stdout.replace(/\s+/g, ' ')).toContain('GET /health (always open');
  });
});
