import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../../helpers/run-cli-in-process.js';
import { startServeInProcess } from '../../helpers/serve-in-process.js';
import { startUpstreamServer, type UpstreamServer } from '../../helpers/upstream-server.js';

const WORDS = 'one two three four five six seven eight';

let hanging: UpstreamServer;
let slow: UpstreamServer;
let dir: string;
beforeAll(async () => {
  hanging = await startUpstreamServer({ reply: () => ({ kind: 'hang' }) });
  // A stream whose first event comes at once and the rest 400 ms apart: about 4.4 s in all.
  slow = await startUpstreamServer({ reply: () => ({ kind: 'stream', content: WORDS, delayMs: 400 }) });
  dir = await mkdtemp(join(tmpdir(), 'routellm-timeout-'));
});
afterAll(async () => {
  await hanging.close();
  await slow.close();
  await rm(dir, { recursive: true, force: true });
});

describe("serve's default --timeout is --deadline's", () => {
  it('a long stream that started at once runs to its end under the deadline, fallback on', async () => {
    // --deadline 6 and no --timeout. With a default of half the deadline (3 s) this stream was cut
    // after its first 3 s with an SSE error event, though no fallback could follow a started answer.
    const serve = await startServeInProcess(
      ['--port', '0', '--routers', 'random', '--no-probe', '--deadline', '6', '--base-url', slow.baseURL, '--strong-model', 'big', '--weak-model', 'small'],
      { cwd: dir },
    );
    try {
      const client = new OpenAI({ baseURL: `${serve.listening[1]}/v1`, apiKey: 'unused', maxRetries: 0 });
      const stream = await client.chat.completions.create({ model: 'router-random-0.5', messages: [{ role: 'user', content: 'hi' }], stream: true });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      expect(text).toBe(WORDS);
    } finally {
      await serve.stop();
    }
  }, 15_000);

  it('a hanging attempt ends at the deadline, naming --deadline, with no warning at start-up', async () => {
    const serve = await startServeInProcess(
      ['--port', '0', '--routers', 'random', '--no-fallback', '--no-probe', '--deadline', '2', '--base-url', hanging.baseURL, '--strong-model', 'big', '--weak-model', 'small'],
      { cwd: dir },
    );
    try {
      const client = new OpenAI({ baseURL: `${serve.listening[1]}/v1`, apiKey: 'unused', maxRetries: 0 });
      const error = await client.chat.completions.create({ model: 'router-random-0.5', messages: [{ role: 'user', content: 'hi' }] }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(APIError);
      expect((error as APIError).status).toBe(504);
      expect((error as APIError).message).toMatch(/--deadline/);
      expect((error as APIError).message).not.toMatch(/--timeout/);
      expect(serve.log()).not.toMatch(/never applies/);
    } finally {
      await serve.stop();
    }
  }, 10_000);

  it('--help says the default and why', async () => {
    const help = await runCliInProcess(['serve', '--help'], { cwd: dir, env: { COLUMNS: '200' } });
    expect(help.stdout.replace(/\s+/g, ' ')).toMatch(/--timeout <seconds> +budget of each upstream attempt, streams included, within --deadline \(default: --deadline's, 540; the fallback's room is kept by the first-byte rule\)/);
  });
});
