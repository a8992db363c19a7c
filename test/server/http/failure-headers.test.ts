import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServeChild, type ServeChild } from '../../helpers/serve-child.js';
import { writeThreeModelList } from '../../helpers/three-model-list.js';
import { startUpstreamServer, type UpstreamReply, type UpstreamServer } from '../../helpers/upstream-server.js';

// x-routellm-model names the model that answered. On a 502 it named the last model tried, which had
// failed (QA-FINDINGS-6 E); what was routed stays in x-routellm-fallback and x-routellm-attempts.
let upstream: UpstreamServer;
let dir: string;
let pair: ServeChild;
let list: ServeChild;
/** How each model answers, by name; absent: it echoes. */
const failing = new Map<string, UpstreamReply>();

beforeAll(async () => {
  upstream = await startUpstreamServer({
    models: ['strong-m', 'weak-m', 'local-7b', 'yi-34b', 'frontier'],
    reply: (request) => failing.get(request.body?.model) ?? { kind: 'json', content: 'ok' },
  });
  dir = await mkdtemp(join(tmpdir(), 'routellm-failure-headers-'));
  await writeThreeModelList(join(dir, 'list.yaml'), upstream.baseURL);
  [pair, list] = await Promise.all([
    startServeChild(['--port', '0', '--base-url', upstream.baseURL, '--strong-model', 'strong-m', '--weak-model', 'weak-m'], { cwd: dir }),
    startServeChild(['--port', '0', '--config', 'list.yaml'], { cwd: dir }),
  ]);
});
afterAll(async () => {
  await Promise.all([pair.stop(), list.stop()]);
  await upstream.close();
  await rm(dir, { recursive: true, force: true });
});

async function ask(server: ServeChild, model: string): Promise<{ status: number; headers: Record<string, string> }> {
  const response = await fetch(`${server.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  });
  await response.arrayBuffer();
  const headers = Object.fromEntries([...response.headers].filter(([name]) => name.startsWith('x-routellm-')));
  return { status: response.status, headers };
}

const down: UpstreamReply = { kind: 'error', status: 500, body: { error: { message: 'upstream exploded', type: 'server_error' } } };
const limited: UpstreamReply = { kind: 'error', status: 429, body: { error: { message: 'slow down', type: 'rate_limit_error' } }, headers: { 'retry-after': '7' } };

describe('routing headers when no model answered', () => {
  it('pair: a 502 after both models failed sends no x-routellm-model; the routed model is in x-routellm-fallback, attempts a count', async () => {
    failing.clear();
    const ok = await ask(pair, 'router-difficulty-0.5');
    expect(ok.status).toBe(200);
    // The success path is as it was: the answering model and a count.
    expect(Object.keys(ok.headers).sort()).toEqual(['x-routellm-attempts', 'x-routellm-model', 'x-routellm-router', 'x-routellm-strong-win-rate', 'x-routellm-threshold', 'x-routellm-upstream-request-id']);
    expect(ok.headers['x-routellm-attempts']).toBe('1');

    failing.set('strong-m', down).set('weak-m', down);
    const failed = await ask(pair, 'router-difficulty-0');
    expect(failed.status).toBe(502);
    expect(failed.headers).toEqual({
      'x-routellm-router': 'difficulty',
      'x-routellm-threshold': '0',
      'x-routellm-strong-win-rate': expect.any(String),
      'x-routellm-attempts': '2',
      'x-routellm-fallback': 'strong-m',
    });
  });

  it('pair: an upstream 429 passed through is that model answering, and keeps x-routellm-model', async () => {
    failing.clear();
    failing.set('strong-m', down).set('weak-m', limited);
    const passed = await ask(pair, 'router-difficulty-0');
    expect(passed.status).toBe(429);
    expect(passed.headers).toMatchObject({ 'x-routellm-model': 'weak-m', 'x-routellm-fallback': 'strong-m', 'x-routellm-attempts': '2' });
  });

  it('list: a 502 after every model failed sends no x-routellm-model or -quality; attempts names the models tried', async () => {
    failing.clear();
    for (const model of ['local-7b', 'yi-34b', 'frontier']) failing.set(model, down);
    const failed = await ask(list, 'router-knn-0');
    expect(failed.status).toBe(502);
    expect(failed.headers['x-routellm-model']).toBeUndefined();
    expect(failed.headers['x-routellm-quality']).toBeUndefined();
    expect(failed.headers).toMatchObject({ 'x-routellm-router': 'knn', 'x-routellm-knob': '0', 'x-routellm-fallback': expect.any(String) });
    const tried = failed.headers['x-routellm-attempts']!.split(',');
    expect(tried[0]).toBe(failed.headers['x-routellm-fallback']);
    expect(new Set(tried).size).toBeGreaterThanOrEqual(2);
  });
});
