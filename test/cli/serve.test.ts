import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boundedRoutingText } from '../../src/core/index.js';
import { BIN } from '../helpers/run-cli-child.js';
import { logLinesAt, logMessages } from '../helpers/log-messages.js';
import { runCliInProcess } from '../helpers/run-cli-in-process.js';
import { LISTENING, startServeInProcess } from '../helpers/serve-in-process.js';
import { startUpstreamServer, type UpstreamServer } from '../helpers/upstream-server.js';

let upstream: UpstreamServer;
let dir: string;
beforeAll(async () => {
  upstream = await startUpstreamServer();
  dir = await mkdtemp(join(tmpdir(), 'routellm-serve-'));
});
afterAll(async () => {
  await upstream.close();
  await rm(dir, { recursive: true, force: true });
});

describe('routellm serve, in process', () => {
  it('listens on a free port, answers through the official client, and returns 0 when the signal aborts', async () => {
    const config = join(dir, 'config.yaml');
    await writeFile(config, 'random:\n  seed: 11\n');
    const serve = await startServeInProcess(
      ['--port', '0', '--routers', 'random', '--config', config, '--base-url', upstream.baseURL, '--api-key', 'up-key', '--strong-model', 'big', '--weak-model', 'small'],
      { cwd: dir },
    );
    const match = serve.listening;
    expect(match[2]).not.toBe('0');
    expect([match[3], match[4], match[5]]).toEqual(['random', 'big', 'small']);
    // Each model's upstream is named once at start-up (errors name only the model).
    expect(logMessages(serve.log())).toContain(`routellm upstreams: big at ${upstream.baseURL}; small at ${upstream.baseURL}`);
    // One format: every stderr line is a pino JSON line (stderr here is not a terminal).
    for (const line of serve.log().split('\n').filter(Boolean)) expect(() => JSON.parse(line)).not.toThrow();
    const client = new OpenAI({ baseURL: `${match[1]}/v1`, apiKey: 'client', maxRetries: 0 });
    const answer = await client.chat.completions.create({ model: 'router-random-0', messages: [{ role: 'user', content: 'hello' }] });
    expect(answer.model).toBe('big');
    // A seed does not change the distribution: the shipped table still turns 50% into a threshold.
    // Every listed model is a share, and each one routes.
    const listed = [];
    for await (const model of client.models.list()) listed.push(model.id);
    expect(listed).toEqual(['router-random-20%', 'router-random-50%', 'router-random-80%']);
    for (const model of listed) {
      const share = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hello' }] });
      expect(['big', 'small']).toContain(share.model);
    }
    expect(answer.choices[0]?.message.content).toBe('echo: hello');
    expect(await serve.stop()).toBe(0);
  });

  it('routes a 9 MB prompt on the default router by its bounded text, and stays up', async () => {
    // Before routing text was bounded this request exhausted the heap and killed the server.
    const serve = await startServeInProcess(
      ['--port', '0', '--base-url', upstream.baseURL, '--api-key', 'up-key', '--strong-model', 'big', '--weak-model', 'small'],
      { cwd: dir },
    );
    try {
      const client = new OpenAI({ baseURL: `${serve.listening[1]}/v1`, apiKey: 'client', maxRetries: 0 });
      const question = 'Prove that the square root of 2 is irrational.';
      const huge = `${question}\n${'hello world '.repeat(800_000)}`;
      const { response } = await client.chat.completions
        .create({ model: 'router-difficulty-0.2', messages: [{ role: 'user', content: huge }] })
        .withResponse();
      expect(response.status).toBe(200);
      const routed = await runCliInProcess(['route', '--json', '--threshold', '0.2', boundedRoutingText(huge)]);
      expect(response.headers.get('x-routellm-strong-win-rate')).toBe(String(JSON.parse(routed.stdout).strong_win_rate));
      const health = await fetch(`${serve.listening[1]}/health`);
      expect(health.status).toBe(200);
    } finally {
      expect(await serve.stop()).toBe(0);
    }
  });

  it('routes every turn of an agent loop on the user\'s task, not on the tool output that ends the conversation', async () => {
    const serve = await startServeInProcess(
      ['--port', '0', '--base-url', upstream.baseURL, '--api-key', 'up-key', '--strong-model', 'big', '--weak-model', 'small'],
      { cwd: dir },
    );
    try {
      const client = new OpenAI({ baseURL: `${serve.listening[1]}/v1`, apiKey: 'client', maxRetries: 0 });
      const task = 'Prove that every bounded monotone sequence converges, then design a distributed lock service.';
      const output = '{"temperature": 21, "unit": "C"}';
      const winRate = async (messages: OpenAI.ChatCompletionMessageParam[]) => {
        const { response } = await client.chat.completions.create({ model: 'router-difficulty-0.5', messages }).withResponse();
        expect(response.status).toBe(200);
        return response.headers.get('x-routellm-strong-win-rate');
      };
      const routed = async (prompt: string) => String(JSON.parse((await runCliInProcess(['route', '--json', '--threshold', '0.5', prompt])).stdout).strong_win_rate);
      const call = { id: 'c1', type: 'function' as const, function: { name: 'weather', arguments: '{}' } };
      const loop: OpenAI.ChatCompletionMessageParam[] = [
        { role: 'system', content: 'You are an agent with tools.' },
        { role: 'user', content: task },
        { role: 'assistant', content: null, tool_calls: [call] },
        { role: 'tool', tool_call_id: 'c1', content: output },
      ];
      expect(await winRate(loop)).toBe(await routed(task));
      expect(await winRate([...loop, { role: 'assistant', content: null, tool_calls: [call] }, { role: 'tool', tool_call_id: 'c1', content: '42' }])).toBe(await routed(task));
      // The tool output alone would have been scored differently: that is what it was routed on before.
      expect(await routed(output)).not.toBe(await routed(task));
    } finally {
      expect(await serve.stop()).toBe(0);
    }
  });

  it('share thresholds: one start-up warning per router the tables cannot serve, 400s without paths, a custom table backed by the shipped one', async () => {
    const config = join(dir, 'own-random.yaml');
    // mf with its pair swapped stands for a router of the user's own: the shipped table was made for other options.
    await writeFile(config, 'mf: { strong_model: mixtral-8x7b-instruct-v0.1, weak_model: gpt-4-1106-preview }\n');
    const args = ['--port', '0', '--routers', 'random', 'mf', '--config', config, '--base-url', upstream.baseURL, '--api-key', 'up-key', '--strong-model', 'big', '--weak-model', 'small'];
    const ask = async (url: string, model: string) => {
      const response = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hello' }] }),
      });
      return { status: response.status, body: (await response.json()) as { error?: { message: string; code: string } } };
    };
    const serve = await startServeInProcess(args, { cwd: dir });
    try {
      // Besides the price warnings (the pair here has no prices).
      const warnings = logLinesAt(serve.log(), 40).map((line) => line['msg'] as string).filter((msg) => !msg.includes('no price'));
      expect(warnings).toEqual([expect.stringContaining('shares like router-mf-50% will be refused: the shipped calibration table was made for router "mf" with other weights or options')]);
      expect(warnings[0]).toContain('quantiles.json');
      const refused = await ask(serve.listening[1]!, 'router-mf-50%');
      expect(refused.status).toBe(400);
      expect(refused.body.error?.code).toBe('invalid_threshold');
      expect(refused.body.error?.message).toContain('routellm calibrate --write-table --routers mf --prompts YOUR_PROMPTS --table mine.json');
      // The client learns nothing of the server's filesystem.
      expect(refused.body.error?.message).not.toMatch(/quantiles\.json|\/datasets\//);
      expect((await ask(serve.listening[1]!, 'router-random-50%')).status).toBe(200);
      const always = await ask(serve.listening[1]!, 'router-random-100%');
      expect(always.status).toBe(400);
      expect(always.body.error?.message).toContain("strictly between 0% and 100%; use threshold 0 to send every call to the strong model, or call the weak model's own endpoint to skip routing");
      expect((await ask(serve.listening[1]!, 'router-random-0%')).status).toBe(400);
    } finally {
      expect(await serve.stop()).toBe(0);
    }
    // The user's own table covers their mf only: random falls back to the shipped table, which fits it.
    await writeFile(join(dir, 'prompts.txt'), Array.from({ length: 30 }, (_, i) => `prompt ${i}`).join('\n'));
    const made = await runCliInProcess(['calibrate', '--write-table', '--routers', 'mf', '--prompts', 'prompts.txt', '--table', 'mine.json', '--config', config, '--cache-dir', join(dir, 'cache')], { cwd: dir });
    expect(made.code, made.stderr).toBe(0);
    const own = await startServeInProcess(args, { cwd: dir, env: { ROUTELLM_CALIBRATION_TABLE: join(dir, 'mine.json') } });
    try {
      expect(logLinesAt(own.log(), 40).filter((line) => !line['msg'].includes('no price'))).toEqual([]);
      expect((await ask(own.listening[1]!, 'router-mf-30%')).status).toBe(200);
      expect((await ask(own.listening[1]!, 'router-random-50%')).status).toBe(200);
    } finally {
      expect(await own.stop()).toBe(0);
    }
  });

  it('warns once per router and numeric threshold, at its first request, through the server\'s logger', async () => {
    const serve = await startServeInProcess(['--port', '0', '--routers', 'hybrid', 'mf', '--base-url', upstream.baseURL, '--api-key', 'up-key', '--strong-model', 'big', '--weak-model', 'small'], { cwd: dir });
    try {
      const client = new OpenAI({ baseURL: `${serve.listening[1]}/v1`, apiKey: 'client', maxRetries: 0 });
      for (const model of ['router-hybrid-0.7', 'router-hybrid-0.7', 'router-mf-0.11593', 'router-hybrid-0.15', 'router-mf-0.11593', 'router-hybrid-50%']) {
        await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hello' }] });
      }
      const warnings = serve
        .log()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { level: number; msg: string })
        .filter((entry) => entry.level === 40 && entry.msg.startsWith('threshold '));
      expect(warnings.map((entry) => entry.msg)).toEqual([
        expect.stringMatching(/^threshold 0\.7 for router hybrid is above the 99th percentile of its win rates .*router-hybrid-50%/),
        expect.stringMatching(/^threshold 0\.11593 is RouteLLM's published 50% threshold for its own mf weights .* it sends about \d\d(\.\d)?% of calls to the strong model/),
      ]);
    } finally {
      expect(await serve.stop()).toBe(0);
    }
  });

  it('prints help with an example and exits 0', async () => {
    const result = await runCliInProcess(['serve', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--max-body');
    expect(result.stdout).toContain('Examples:');
  });

  it.each([
    [['--port', 'abc'], /--port: "abc" is not a port number/],
    [['--port', '70000'], /--port/],
    [['--max-body', 'lots'], /--max-body: "lots" is not a size/],
    [['--bogus'], /unknown option/],
    [['--routers', 'nope'], /unknown router "nope"/],
    [['--timeout', '3000000'], /--timeout.*at most 86400/],
    [['--ttfb-timeout', '0'], /--ttfb-timeout.*above 0/],
    [['--auth-key', ''], /--auth-key is set but holds no key, so auth would be off/],
  ])('exits 2 for bad flags %j', async (flags, message) => {
    const result = await runCliInProcess(['serve', '--base-url', 'http://127.0.0.1:1/v1', ...flags]);
    expect(result.code).toBe(2);
    expect(logMessages(result.stderr)).toMatch(message);
  });

  it('names ROUTELLM_BASE_URL, not --base-url, when the bad URL came from it', async () => {
    const result = await runCliInProcess(['serve', '--port', '0'], { env: { ROUTELLM_BASE_URL: 'http://user:secret@127.0.0.1:1/v1' } });
    expect(result.code).toBe(2);
    expect(logMessages(result.stderr)).toContain('ROUTELLM_BASE_URL: the URL must not contain a user name or password');
    expect(result.stderr).not.toContain('secret');
  });

  it('exits 2 at start-up naming the missing key of a model', async () => {
    const result = await runCliInProcess(['serve', '--port', '0', '--strong-model', 'groq/llama-3.1-70b', '--weak-model', 'ollama/llama3'], { env: {} });
    expect(result.code).toBe(2);
    expect(logMessages(result.stderr)).toMatch(/groq\/llama-3.1-70b.*GROQ_API_KEY is not set/);
  });

  it('exits 2 at start-up on a provider prefix no table knows, in one line listing the known ones, never falling through to OpenAI', async () => {
    const result = await runCliInProcess(['serve', '--port', '0', '--strong-model', 'groqq/llama-3.1-70b', '--weak-model', 'ollama/llama3'], { env: { OPENAI_API_KEY: 'sk-set' } });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(logLinesAt(result.stderr, 50)[0]?.['msg']).toMatch(/"groqq\/".*known: openai, anthropic, azure, ollama, ollama_chat, hosted_vllm, lm_studio/);
  });

  it('exits 2 on an empty model flag, and warns (but serves) when both seats hold one model', async () => {
    const empty = await runCliInProcess(['serve', '--port', '0', '--base-url', upstream.baseURL, '--api-key', 'k', '--weak-model', '']);
    expect(empty.code).toBe(2);
    // The start-up failure is one line through the same logger as everything else serve writes.
    expect(empty.stderr.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(empty.stderr)).toMatchObject({ level: 50, msg: '--weak-model is empty: give a model name, e.g. --weak-model gpt-4o, or leave the flag out' });
    const serve = await startServeInProcess(['--port', '0', '--routers', 'random', '--base-url', upstream.baseURL, '--api-key', 'k', '--strong-model', 'one', '--weak-model', 'one'], {
      cwd: dir,
    });
    expect(logLinesAt(serve.log(), 40)[0]?.['msg']).toContain('the strong and the weak model are both "one"');
    expect(await serve.stop()).toBe(0);
  });

  it("takes host and port from the config file's server: section; the flags win", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
    const config = join(dir, 'listen.yaml');
    // 127.0.0.2 is loopback too, and not the default: the server can only be there if the file said so.
    await writeFile(config, `server:\n  host: 127.0.0.2\n  port: ${port}\n`);
    const fromFile = await startServeInProcess(['--routers', 'random', '--config', config, '--base-url', upstream.baseURL], { cwd: dir });
    try {
      expect(fromFile.log()).toContain(`routellm listening on http://127.0.0.2:${port} `);
      expect((await fetch(`http://127.0.0.2:${port}/health`)).status).toBe(200);
      // The file's port is now taken: a flag that overrides it must not need it.
      const fromFlags = await startServeInProcess(['--routers', 'random', '--config', config, '--port', '0', '--host', '127.0.0.1', '--base-url', upstream.baseURL], { cwd: dir });
      expect(fromFlags.listening[2]).not.toBe(String(port));
      expect(await fromFlags.stop()).toBe(0);
    } finally {
      expect(await fromFile.stop()).toBe(0);
    }
  });

  it('exits 2 when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const result = await runCliInProcess(['serve', '--port', String(port), '--base-url', upstream.baseURL]);
      expect(result.code).toBe(2);
      expect(logMessages(result.stderr)).toContain(`port ${port} on 127.0.0.1 is already in use`);
    } finally {
      blocker.close();
    }
  });
});

describe('routellm serve, as a child process', () => {
  it('answers requests and exits 0 on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [BIN, 'serve', '--port', '0', '--routers', 'random', '--base-url', upstream.baseURL, '--api-key', 'k', '--strong-model', 'big', '--weak-model', 'small'],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, OPENAI_API_KEY: '' } },
    );
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.setEncoding('utf8').on('data', (text: string) => {
        stderr += text;
        const match = LISTENING.exec(stderr);
        if (match) resolve(match[1] as string);
      });
      exited.then(() => reject(new Error(`serve exited early: ${stderr}`)));
    });
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'client', maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: 'router-random-1', messages: [{ role: 'user', content: 'child' }], stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('echo: child');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toContain('shutting down');
  });
});
