import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_WEAK_MODEL_WITH_PROVIDER } from '../../src/upstream/providers.js';
import { logMessages } from '../helpers/log-messages.js';
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

const FIX = `pass --weak-model ${DEFAULT_WEAK_MODEL_WITH_PROVIDER} (with TOGETHERAI_API_KEY set)`;

/** Help text with commander's wrapping undone. */
const unwrapped = (text: string) => text.replace(/\s+/g, ' ');

describe('serve with the default models (RouteLLM\'s pair, the weak one a Hugging Face id no provider knows)', () => {
  it('says every problem at once, in one line: the strong model\'s key and the flag that gives the weak model a provider', async () => {
    const result = await runCliInProcess(['serve', '--port', '0', '--no-probe'], { env: {} });
    expect(result.code).toBe(2);
    const lines = logMessages(result.stderr).split('\n');
    expect(lines).toHaveLength(1);
    // Before: the key error alone; once the key was set, a second run met the weak model's error.
    expect(lines[0]).toContain('OPENAI_API_KEY is not set');
    expect(lines[0]).toContain(FIX);
  });

  it('with the key set, one line with the flag to paste; pasted, serve starts', async () => {
    const refused = await runCliInProcess(['serve', '--port', '0', '--no-probe'], { env: { OPENAI_API_KEY: 'sk-test' } });
    expect(refused.code).toBe(2);
    expect(logMessages(refused.stderr)).toBe(
      `the default weak model "mistralai/Mixtral-8x7B-Instruct-v0.1" names no provider to call it at; ${FIX}, another <provider>/<model>, or --base-url <url> to send both models to one endpoint`,
    );
    const origin = upstream.baseURL;
    const serve = await startServeInProcess(['--port', '0', '--no-probe', '--weak-model', DEFAULT_WEAK_MODEL_WITH_PROVIDER], {
      cwd: process.cwd(),
      env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: origin, TOGETHERAI_API_KEY: 'tg-test', TOGETHERAI_API_BASE: origin },
    });
    try {
      expect(serve.listening[5]).toBe(DEFAULT_WEAK_MODEL_WITH_PROVIDER);
    } finally {
      expect(await serve.stop()).toBe(0);
    }
  });

  it('help says it, for the commands that call the models (serve, doctor, chat), not for route', async () => {
    for (const command of ['serve', 'doctor', 'chat']) {
      const help = unwrapped((await runCliInProcess([command, '--help'])).stdout);
      expect(help).toContain('default mistralai/Mixtral-8x7B-Instruct-v0.1, which needs --base-url or a provider: see below');
      expect(help).toContain(`without --base-url pass --weak-model ${DEFAULT_WEAK_MODEL_WITH_PROVIDER} (with TOGETHERAI_API_KEY set)`);
    }
    const route = await runCliInProcess(['route', '--help']);
    expect(unwrapped(route.stdout)).not.toContain('which needs --base-url');
  });

  it('doctor fails the weak model with the same fix', async () => {
    const result = await runCliInProcess(['doctor', '--no-probe', '--json'], { env: { OPENAI_API_KEY: 'sk-test' } });
    expect(result.code).toBe(1);
    const checks = JSON.parse(result.stdout).checks as { check: string; status: string; detail: string }[];
    expect(checks.filter((check) => check.status === 'fail')).toEqual([
      { check: 'key mistralai/Mixtral-8x7B-Instruct-v0.1', status: 'fail', detail: expect.stringContaining(FIX) as unknown as string },
    ]);
  });
});
