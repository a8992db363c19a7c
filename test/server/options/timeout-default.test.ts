import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../../helpers/run-cli-in-process.js';
import { startServeInProcess } from '../../helpers/serve-in-process.js';
import { startUpstreamServer, type UpstreamServer } from '../../helpers/upstream-server.js';

let upstream: UpstreamServer;
let dir: string;
beforeAll(async () => {
  upstream = await startUpstreamServer({ reply: () => ({ kind: 'hang' }) });
  dir = await mkdtemp(join(tmpdir(), 'routellm-timeout-'));
});
afterAll(async () => {
  await upstream.close();
  await rm(dir, { recursive: true, force: true });
});

describe("serve's default --timeout is half of --deadline", () => {
  it('applies: a hanging attempt ends at half the deadline, naming --timeout, with no warning at start-up', async () => {
    // --deadline 2 and no --timeout: the default must cut the one attempt at 1 s. When the default
    // was 600 s (above any deadline) it never applied and the deadline ended every attempt.
    const serve = await startServeInProcess(
      ['--port', '0', '--routers', 'random', '--no-fallback', '--no-probe', '--deadline', '2', '--base-url', upstream.baseURL, '--strong-model', 'big', '--weak-model', 'small'],
      { cwd: dir },
    );
    try {
      const client = new OpenAI({ baseURL: `${serve.listening[1]}/v1`, apiKey: 'unused', maxRetries: 0 });
      const error = await client.chat.completions.create({ model: 'router-random-0.5', messages: [{ role: 'user', content: 'hi' }] }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(APIError);
      expect((error as APIError).status).toBe(504);
      expect((error as APIError).message).toMatch(/did not finish within 1 s \(--timeout\)/);
      expect(serve.log()).not.toMatch(/never applies/);
    } finally {
      await serve.stop();
    }
  }, 10_000);

  it('--help says the default and why', async () => {
    const help = await runCliInProcess(['serve', '--help'], { cwd: dir, env: { COLUMNS: '200' } });
    expect(help.stdout.replace(/\s+/g, ' ')).toMatch(/--timeout <seconds> +budget of each upstream attempt, streams included, within --deadline \(default half of --deadline, 270: room for the fallback's attempt\)/);
  });
});
