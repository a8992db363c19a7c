import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logMessages } from '../../helpers/log-messages.js';
import { startServeInProcess } from '../../helpers/serve-in-process.js';
import { twoMfCheckpoints } from '../../helpers/mf-checkpoints.js';
import { startUpstreamServer, type UpstreamServer } from '../../helpers/upstream-server.js';

let upstream: UpstreamServer;
let dir: string;
beforeAll(async () => {
  upstream = await startUpstreamServer();
  dir = await mkdtemp(join(tmpdir(), 'routellm-reload-'));
  await twoMfCheckpoints(dir);
});
afterAll(async () => {
  await upstream.close();
  await rm(dir, { recursive: true, force: true });
});

const stats = async (url: string, key?: string) => (await (await fetch(`${url}/v1/routellm/stats`, key ? { headers: { authorization: `Bearer ${key}` } } : {})).json()) as any;
const reload = (url: string, key?: string) => fetch(`${url}/v1/routellm/reload`, { method: 'POST', ...(key ? { headers: { authorization: `Bearer ${key}` } } : {}) });

describe('serve reload (POST /v1/routellm/reload)', () => {
  it('swaps in new weights while a request is in flight (it finishes on the old set), refuses a broken config and keeps serving, and counts both', async () => {
    const config = join(dir, 'routellm.yaml');
    await writeFile(config, 'mf:\n  checkpoint_path: ./a\n');
    const serve = await startServeInProcess(['--port', '0', '--routers', 'mf', '--config', config, '--base-url', upstream.baseURL, '--api-key', 'k', '--strong-model', 'big', '--weak-model', 'small', '--no-probe'], { cwd: dir });
    const url = serve.listening[1] as string;
    try {
      const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'client', maxRetries: 0 });
      const before = await stats(url);
      expect(before.routing.generation).toBe(0);
      const fingerprintA = before.routing.routers.mf as string;

      // A slow answer is in flight across the reload.
      upstream.reply = (request) => ({ kind: 'json', content: `slow: ${request.body.messages.at(-1).content}`, delayMs: 800 });
      const slow = client.chat.completions.create({ model: 'router-mf-0.5', messages: [{ role: 'user', content: 'in flight' }] }).withResponse();
      await upstream.waitForRequests(1);
      await writeFile(config, 'mf:\n  checkpoint_path: ./b\n');
      const answer = await reload(url);
      expect(answer.status).toBe(200);
      const body = (await answer.json()) as any;
      expect(body).toMatchObject({ object: 'routellm.reload', status: 'ok', generation: 1, changed: ['mf'], needs_restart: [] });
      expect(body.routers.mf).not.toBe(fingerprintA);
      const { data: slowAnswer, response: slowResponse } = await slow;
      expect(slowAnswer.choices[0]?.message.content).toBe('slow: in flight');
      // Answered by its first attempt: its upstream connection outlived the swap (no fallback hid a cut).
      expect(slowResponse.headers.get('x-routellm-attempts')).toBe('1');
      expect(upstream.requests.filter((request) => request.body.messages.at(-1).content === 'in flight')).toHaveLength(1);
      upstream.reply = (request) => ({ kind: 'json', content: `echo: ${request.body.messages.at(-1).content}` });
      expect((await client.chat.completions.create({ model: 'router-mf-0.5', messages: [{ role: 'user', content: 'after' }] })).choices[0]?.message.content).toBe('echo: after');
      expect((await stats(url)).routing).toEqual({ generation: 1, routers: { mf: body.routers.mf } });

      // Broken: YAML that does not parse, then weights that are not there. The old set keeps serving.
      for (const [text, message] of [
        ['mf: [\n', /reload failed, the previous routers keep serving: .*routellm\.yaml/],
        ['mf:\n  checkpoint_path: ./missing\n', /reload failed, the previous routers keep serving: .*missing/],
      ] as const) {
        await writeFile(config, text);
        const failed = await reload(url);
        expect(failed.status).toBe(500);
        expect(failed.headers.get('content-type')).toBe('application/json');
        const error = (await failed.json()) as any;
        expect(Object.keys(error.error)).toEqual(['message', 'type', 'param', 'code']);
        expect(error.error).toMatchObject({ type: 'server_error', code: 'reload_failed' });
        expect(error.error.message).toMatch(message);
        expect((await stats(url)).routing).toEqual({ generation: 1, routers: { mf: body.routers.mf } });
        expect((await client.chat.completions.create({ model: 'router-mf-0.5', messages: [{ role: 'user', content: 'still' }] })).choices[0]?.message.content).toBe('echo: still');
      }
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toContain('routellm_reloads_total{outcome="ok"} 1');
      expect(metrics).toContain('routellm_reloads_total{outcome="failed"} 2');
      expect(metrics).toContain(`routellm_router_info{router="mf",fingerprint="${body.routers.mf}"} 1`);
      const lines = logMessages(serve.log()).split('\n');
      expect(lines.filter((line) => line.startsWith('routellm reload #1 (POST /v1/routellm/reload): routers in use: mf '))).toHaveLength(1);
      expect(lines.filter((line) => line.startsWith('routellm reload failed (POST /v1/routellm/reload), the previous routers keep serving: '))).toHaveLength(2);

      // Back to the first weights: the same fingerprint as at start-up; a changed server: section is named.
      await writeFile(config, 'mf:\n  checkpoint_path: ./a\nserver:\n  max_queue: 7\n');
      const back = (await (await reload(url)).json()) as any;
      expect(back).toMatchObject({ generation: 2, routers: { mf: fingerprintA }, changed: ['mf'], needs_restart: ['server'] });
    } finally {
      expect(await serve.stop()).toBe(0);
    }
  });

  it('sits behind the API key when auth is on, and refuses a model pair change', async () => {
    const config = join(dir, 'auth.yaml');
    await writeFile(config, 'random: {}\nmodels:\n  strong: big\n  weak: small\n');
    const serve = await startServeInProcess(['--port', '0', '--routers', 'random', '--config', config, '--base-url', upstream.baseURL, '--api-key', 'k', '--auth-key', 'sekret', '--no-probe'], { cwd: dir });
    const url = serve.listening[1] as string;
    try {
      const denied = await reload(url);
      expect(denied.status).toBe(401);
      expect(((await denied.json()) as any).error.type).toBe('invalid_request_error');
      expect((await reload(url, 'sekret')).status).toBe(200);
      await writeFile(config, 'random: {}\nmodels:\n  strong: bigger\n  weak: small\n');
      const refused = await reload(url, 'sekret');
      expect(refused.status).toBe(500);
      expect(((await refused.json()) as any).error.message).toBe(
        'reload failed, the previous routers keep serving: the model pair changed (strong big -> bigger, weak small -> small); a reload keeps the pair it started with: restart to change models',
      );
      expect((await stats(url, 'sekret')).routing.generation).toBe(1);
    } finally {
      expect(await serve.stop()).toBe(0);
    }
  });
});
