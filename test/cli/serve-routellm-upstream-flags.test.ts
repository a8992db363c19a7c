import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

describe("serve takes RouteLLM's --alt-base-url and --alt-api-key (its Ollama docs' command line)", () => {
  it('sends both models to --alt-base-url with --alt-api-key, as --base-url and --api-key would', async () => {
    const serve = await startServeInProcess(['--port', '0', '--routers', 'random', '--strong-model', 'big', '--weak-model', 'small', '--alt-base-url', upstream.baseURL, '--alt-api-key', 'alt-key', '--no-probe'], { cwd: process.cwd() });
    try {
      const client = new OpenAI({ baseURL: `${serve.listening[1]}/v1`, apiKey: 'client', maxRetries: 0 });
      const before = upstream.requests.length;
      const answer = await client.chat.completions.create({ model: 'router-random-0.5', messages: [{ role: 'user', content: 'hi' }] });
      expect(['big', 'small']).toContain(answer.model);
      const sent = upstream.requests.slice(before);
      expect(sent).toHaveLength(1);
      expect(sent[0]?.headers.authorization).toBe('Bearer alt-key');
    } finally {
      expect(await serve.stop()).toBe(0);
    }
  });

  it('takes both spellings when they agree, and refuses two different values in one line, exit 2', async () => {
    const refused = await runCliInProcess(['serve', '--port', '0', '--base-url', upstream.baseURL, '--alt-base-url', 'http://127.0.0.1:9/v1', '--api-key', 'k']);
    expect(refused.code).toBe(2);
    const lines = logMessages(refused.stderr).split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe("--base-url and --alt-base-url give two different values; they are the same setting (RouteLLM's name and routellm's): give one");
    const keys = await runCliInProcess(['serve', '--port', '0', '--base-url', upstream.baseURL, '--api-key', 'a', '--alt-api-key', 'b']);
    expect(keys.code).toBe(2);
    expect(logMessages(keys.stderr)).toContain('--api-key and --alt-api-key give two different values');
    const agreeing = await startServeInProcess(['--port', '0', '--routers', 'random', '--strong-model', 'big', '--weak-model', 'small', '--base-url', upstream.baseURL, '--alt-base-url', upstream.baseURL, '--api-key', 'k', '--no-probe'], { cwd: process.cwd() });
    expect(await agreeing.stop()).toBe(0);
  });

  it('says so in --help', async () => {
    const help = await runCliInProcess(['serve', '--help']);
    expect(help.stdout).toMatch(/--alt-base-url <url>\s+RouteLLM's name for --base-url/);
    expect(help.stdout).toMatch(/--alt-api-key <key>\s+RouteLLM's name for --api-key/);
  });
});
