import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logLinesAt, logMessages } from '../helpers/log-messages.js';
import { runCliInProcess } from '../helpers/run-cli-in-process.js';
import { startServeInProcess } from '../helpers/serve-in-process.js';
import { startUpstreamServer, type UpstreamServer } from '../helpers/upstream-server.js';

let upstream: UpstreamServer;
beforeAll(async () => {
  upstream = await startUpstreamServer();
});
afterAll(async () => {
  await upstream.close();
});

// Two models without a price: each is a start-up warning.
const UNPRICED = ['--strong-model', 'strong-unpriced', '--weak-model', 'weak-unpriced', '--no-probe'];

describe("serve's start-up lines", () => {
  it('a fatal start-up error (port in use) stands alone: the warnings found before it are not written', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const result = await runCliInProcess(['serve', '--port', String(port), '--base-url', upstream.baseURL, ...UNPRICED]);
      expect(result.code).toBe(2);
      // Before: a long "have no price" warning, then the line that matters.
      expect(logMessages(result.stderr).split('\n')).toEqual([`port ${port} on 127.0.0.1 is already in use; pick another with --port`]);
    } finally {
      blocker.close();
    }
  });

  it('a server that starts writes the same warnings, in order, before its listening line', async () => {
    const serve = await startServeInProcess(['--port', '0', '--base-url', upstream.baseURL, ...UNPRICED], { cwd: process.cwd() });
    try {
      const lines = logMessages(serve.log()).split('\n');
      // Both models in one line (it was a line each).
      const unpriced = lines.filter((line) => line.includes('no price'));
      expect(unpriced).toEqual([
        'models "strong-unpriced" and "weak-unpriced" have no price: their requests are left out of spend_usd and the saving is reported as unknown (null); ' +
          'add them to the config file as prices: { "strong-unpriced": { input: <USD per 1M tokens>, output: <USD per 1M tokens> }, "weak-unpriced": { input: <USD per 1M tokens>, output: <USD per 1M tokens> } }',
      ]);
      const listening = lines.findIndex((line) => line.startsWith('routellm listening on'));
      expect(listening).toBeGreaterThan(lines.indexOf(unpriced[0]!));
    } finally {
      expect(await serve.stop()).toBe(0);
    }
  });

  it('warns, once, when --timeout is above --deadline (it can never apply); the default timeout (the deadline itself) needs no warning', async () => {
    const priced = ['--strong-model', 'gpt-4o', '--weak-model', 'gpt-4o-mini', '--no-probe', '--port', '0', '--base-url', upstream.baseURL];
    const overlong = await startServeInProcess([...priced, '--timeout', '1000', '--deadline', '10'], { cwd: process.cwd() });
    try {
      expect(logLinesAt(overlong.log(), 40).map((line) => line['msg'])).toEqual([
        '--timeout 1000 s is above --deadline 10 s, so it never applies: each attempt is bounded by what the deadline has left; lower --timeout, or raise --deadline',
      ]);
    } finally {
      expect(await overlong.stop()).toBe(0);
    }
    // Only --deadline given: the default --timeout follows it, so there is nothing to warn about.
    const deadlineOnly = await startServeInProcess([...priced, '--deadline', '10'], { cwd: process.cwd() });
    try {
      expect(logLinesAt(deadlineOnly.log(), 40)).toEqual([]);
    } finally {
      expect(await deadlineOnly.stop()).toBe(0);
    }
  });

  it('an Anthropic strong model and a local Ollama weak one have prices: no warning, and the saving is known', async () => {
    const origin = upstream.baseURL;
    const serve = await startServeInProcess(
      ['--port', '0', '--no-probe', '--strong-model', 'anthropic/claude-3-5-sonnet-latest', '--weak-model', 'ollama_chat/llama3'],
      { cwd: process.cwd(), env: { ANTHROPIC_API_KEY: 'x', ANTHROPIC_API_BASE: origin, OLLAMA_API_BASE: origin } },
    );
    try {
      // Before: two "has no price" warnings, and saving_usd null for ever.
      expect(logLinesAt(serve.log(), 40)).toEqual([]);
      const url = serve.listening[1] as string;
      for (const model of ['router-difficulty-0', 'router-difficulty-1']) {
        const response = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }) });
        expect(response.status).toBe(200);
        await response.arrayBuffer();
      }
      const stats = (await (await fetch(`${url}/v1/routellm/stats`)).json()) as Record<string, unknown>;
      expect(stats['saving_unknown_because']).toBeNull();
      expect(stats['saving_usd']).toBeGreaterThan(0);
    } finally {
      expect(await serve.stop()).toBe(0);
    }
  });
});
