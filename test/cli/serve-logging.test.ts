import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logLinesAt } from '../helpers/log-messages.js';
import { startServeInProcess } from '../helpers/serve-in-process.js';
import { startUpstreamServer, type UpstreamServer } from '../helpers/upstream-server.js';

let dir: string;
let listing: UpstreamServer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'routellm-serve-log-'));
  listing = await startUpstreamServer({ models: ['big', 'llama3:latest'] });
});
afterAll(async () => {
  await listing.close();
  await rm(dir, { recursive: true, force: true });
});

const BASE = ['--port', '0', '--routers', 'random'];

describe('serve --log-format', () => {
  it('pretty: pino-pretty lines, not JSON, request lines included', async () => {
    const serve = await startServeInProcess([...BASE, '--base-url', listing.baseURL, '--strong-model', 'big', '--weak-model', 'big', '--log-format', 'pretty'], { cwd: dir });
    await new OpenAI({ baseURL: `${serve.listening[1]}/v1`, apiKey: 'k', maxRetries: 0 }).chat.completions.create({ model: 'router-random-0.5', messages: [{ role: 'user', content: 'hi' }] });
    expect(await serve.stop()).toBe(0);
    const lines = serve.log().split('\n').filter(Boolean);
    expect(lines.some((line) => line.startsWith('{'))).toBe(false);
    expect(serve.log()).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: routellm listening on http:\/\/127\.0\.0\.1:\d+/m);
    expect(serve.log()).toMatch(/INFO: request\n(\s+.+\n)*\s+path: "\/v1\/chat\/completions"/);
    expect(serve.log()).toMatch(/WARN: the strong and the weak model are both "big"/);
  });

  it('ROUTELLM_LOG_FORMAT chooses too, and a bad value is refused', async () => {
    const serve = await startServeInProcess([...BASE, '--base-url', listing.baseURL, '--strong-model', 'big', '--weak-model', 'big'], { cwd: dir, env: { ROUTELLM_LOG_FORMAT: 'pretty' } });
    expect(await serve.stop()).toBe(0);
    expect(serve.log()).toContain('INFO: routellm listening');
    await expect(startServeInProcess([...BASE, '--base-url', listing.baseURL], { cwd: dir, env: { ROUTELLM_LOG_FORMAT: 'xml' } })).rejects.toThrow(/ROUTELLM_LOG_FORMAT: "xml" is not a log format; use json or pretty/);
  });
});

describe('serve --verbose', () => {
  it('logs each routing decision through the same logger', async () => {
    const serve = await startServeInProcess([...BASE, '--base-url', listing.baseURL, '--strong-model', 'big', '--weak-model', 'llama3', '--verbose'], { cwd: dir });
    const client = new OpenAI({ baseURL: `${serve.listening[1]}/v1`, apiKey: 'k', maxRetries: 0 });
    await client.chat.completions.create({ model: 'router-random-0.5', messages: [{ role: 'user', content: 'hi' }] });
    expect(await serve.stop()).toBe(0);
    const decisions = logLinesAt(serve.log(), 30).filter((line) => line['msg'].startsWith('routed to '));
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({ router: 'random', threshold: 0.5 });
    expect(['big', 'llama3']).toContain(decisions[0]?.['model']);
    expect(typeof decisions[0]?.['strong_win_rate']).toBe('number');
    expect(decisions[0]?.['request_id']).toMatch(/^req_/);
  });
});

describe("serve's start-up probe of each upstream's model list", () => {
  it('warns when a configured model is not listed (and not for one listed, Ollama tags aside)', async () => {
    const serve = await startServeInProcess([...BASE, '--base-url', listing.baseURL, '--strong-model', 'big', '--weak-model', 'smal'], { cwd: dir });
    expect(await serve.stop()).toBe(0);
    const warnings = logLinesAt(serve.log(), 40).filter((line) => line['probe'] !== undefined);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ model: 'smal', probe: 'not_listed' });
    expect(warnings[0]?.['msg']).toContain(`${listing.baseURL}/models does not list "smal" among its 2 models`);
    expect(warnings[0]?.['msg']).toContain('it lists e.g. "big", "llama3:latest"');
    const ollama = await startServeInProcess([...BASE, '--base-url', listing.baseURL, '--strong-model', 'big', '--weak-model', 'llama3'], { cwd: dir });
    expect(await ollama.stop()).toBe(0);
    expect(logLinesAt(ollama.log(), 40).filter((line) => line['probe'] !== undefined)).toEqual([]);
  });

  it('warns when the key is refused or the upstream cannot be reached, per provider, and sends each its own key', async () => {
    const refusing = await startHttp((request, response) => {
      response.writeHead(request.headers.authorization === 'Bearer good' ? 200 : 401, { 'content-type': 'application/json' });
      response.end('{"error":{"message":"bad key"}}');
    });
    const closed = await startHttp(() => {});
    const closedURL = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/v1`;
    await new Promise((resolve) => closed.close(resolve));
    try {
      const serve = await startServeInProcess([...BASE, '--strong-model', 'hosted_vllm/big', '--weak-model', 'lm_studio/small'], {
        cwd: dir,
        env: { HOSTED_VLLM_API_BASE: `http://127.0.0.1:${(refusing.address() as AddressInfo).port}/v1`, HOSTED_VLLM_API_KEY: 'revoked', LM_STUDIO_API_BASE: closedURL },
      });
      expect(await serve.stop()).toBe(0);
      const warnings = logLinesAt(serve.log(), 40).filter((line) => line['probe'] !== undefined);
      expect(warnings.map((line) => [line['model'], line['probe']])).toEqual([
        ['hosted_vllm/big', 'refused'],
        ['lm_studio/small', 'unreachable'],
      ]);
      expect(warnings[0]?.['msg']).toContain('refused the key with 401');
      expect(warnings[1]?.['msg']).toContain('cannot reach it (ECONNREFUSED)');
      expect(serve.log()).not.toContain('revoked');
    } finally {
      refusing.closeAllConnections();
      await new Promise((resolve) => refusing.close(resolve));
    }
  });

  it('gives up on a model list that never comes, and starts anyway; --no-probe skips it', async () => {
    const hanging = await startHttp(() => {});
    const url = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/v1`;
    try {
      const serve = await startServeInProcess([...BASE, '--base-url', url, '--strong-model', 'a', '--weak-model', 'b'], { cwd: dir });
      expect(await serve.stop()).toBe(0);
      expect(logLinesAt(serve.log(), 40).find((line) => line['probe'] === 'unreachable')?.['msg']).toContain('no model list within 3 s');
      const skipped = await startServeInProcess([...BASE, '--base-url', url, '--strong-model', 'a', '--weak-model', 'b', '--no-probe'], { cwd: dir });
      expect(await skipped.stop()).toBe(0);
      expect(skipped.log()).not.toContain('"probe"');
    } finally {
      hanging.closeAllConnections();
      await new Promise((resolve) => hanging.close(resolve));
    }
  }, 15_000);
});

async function startHttp(handler: Parameters<typeof createServer>[1]): Promise<Server> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}
