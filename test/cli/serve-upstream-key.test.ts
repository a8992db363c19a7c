import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJsonHandlerServer, type JsonHandlerServer, type JsonRequest } from '../helpers/json-handler-server.js';
import { startServeInProcess } from '../helpers/serve-in-process.js';

let upstream: JsonHandlerServer;
let dir: string;
beforeAll(async () => {
  upstream = await startJsonHandlerServer(answer);
  dir = await mkdtemp(join(tmpdir(), 'routellm-serve-key-'));
});
afterAll(async () => {
  await upstream.close();
  await rm(dir, { recursive: true, force: true });
});

/** The model list for the start-up probe, a completion for a chat call. */
function answer(request: JsonRequest) {
  if (request.method === 'GET') return { body: { object: 'list', data: [{ id: 'big', object: 'model', created: 0, owned_by: 't' }, { id: 'small', object: 'model', created: 0, owned_by: 't' }] } };
  return {
    body: {
      id: 'c1',
      object: 'chat.completion',
      created: 0,
      model: request.body?.model,
      choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop', logprobs: null }],
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
    },
  };
}

async function serveAndAsk(args: string[]): Promise<{ requests: JsonRequest[]; error?: unknown; log: string }> {
  const before = upstream.requests.length;
  const serve = await startServeInProcess(['--port', '0', '--base-url', upstream.baseURL, '--strong-model', 'big', '--weak-model', 'small', ...args], { cwd: dir });
  let error: unknown;
  try {
    const client = new OpenAI({ baseURL: `${serve.listening[1]}/v1`, apiKey: 'client-key', maxRetries: 0 });
    await client.chat.completions.create({ model: 'router-difficulty-50%', messages: [{ role: 'user', content: 'hello' }] }).catch((caught: unknown) => {
      error = caught;
    });
  } finally {
    expect(await serve.stop()).toBe(0);
  }
  return { requests: upstream.requests.slice(before), error, log: serve.log() };
}

describe('serve --base-url without a key', () => {
  it('sends no Authorization header upstream, on the model-list probe or the chat call', async () => {
    upstream.handler = answer;
    const { requests } = await serveAndAsk([]);
    const probe = requests.find((request) => request.method === 'GET' && request.path.endsWith('/models'));
    const chat = requests.find((request) => request.method === 'POST' && request.path.endsWith('/chat/completions'));
    expect(probe).toBeDefined();
    expect(chat).toBeDefined();
    // Before: "Bearer routellm-no-key", a token nobody set. The client's own key is never forwarded either.
    expect(probe?.headers.authorization).toBeUndefined();
    expect(chat?.headers.authorization).toBeUndefined();
  });

  it('sends the key given with --api-key', async () => {
    upstream.handler = answer;
    const { requests } = await serveAndAsk(['--api-key', 'upstream-key']);
    expect(requests.map((request) => request.headers.authorization)).toEqual(requests.map(() => 'Bearer upstream-key'));
    expect(requests.length).toBeGreaterThanOrEqual(2);
  });

  it("says no key was sent when the upstream refuses with 401, and how to pass one", async () => {
    upstream.handler = (request) =>
      request.method === 'GET' ? answer(request) : { status: 401, body: { error: { message: 'missing bearer token', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } } };
    try {
      const { error } = await serveAndAsk(['--no-probe']);
      expect(error).toBeInstanceOf(OpenAI.APIError);
      expect((error as InstanceType<typeof OpenAI.APIError>).message).toMatch(/no API key was sent \(none is configured\); pass --api-key/);
    } finally {
      upstream.handler = answer;
    }
  });
});
