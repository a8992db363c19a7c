import { request as httpRequest } from 'node:http';
import { APIError } from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startProxy, type Proxy } from '../../helpers/proxy-harness.js';
import { echoReply } from '../../helpers/upstream-server.js';

let proxy: Proxy;
beforeAll(async () => {
  proxy = await startProxy({ server: { maxBody: 64 * 1024 } });
});
afterEach(() => {
  proxy.upstream.reply = echoReply;
});
afterAll(async () => {
  await proxy.close();
});

/** Raw POST, so the test controls every byte. */
async function post(body: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${proxy.server.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}

function expectOpenAIError(body: any) {
  expect(Object.keys(body)).toEqual(['error']);
  expect(typeof body.error.message).toBe('string');
  expect(body.error.message.length).toBeGreaterThan(10);
  expect(typeof body.error.type).toBe('string');
  expect(body.error).toHaveProperty('param');
  expect(body.error).toHaveProperty('code');
}

const messages = [{ role: 'user', content: 'hi' }];
const badInputs: [string, string, string | null, string | null][] = [
  ['bad JSON', '{"model": "router-random-0.5", "messages": [', null, 'invalid_json'],
  ['a JSON array', '[1, 2]', null, 'invalid_json'],
  ['missing messages', JSON.stringify({ model: 'router-random-0.5' }), 'messages', 'missing_required_parameter'],
  ['empty messages', JSON.stringify({ model: 'router-random-0.5', messages: [] }), 'messages', 'empty_array'],
  ['non-array messages', JSON.stringify({ model: 'router-random-0.5', messages: 'hi' }), 'messages', 'invalid_type'],
  ['a message without role', JSON.stringify({ model: 'router-random-0.5', messages: [{ content: 'hi' }] }), 'messages.[0].role', 'invalid_type'],
  ['missing model', JSON.stringify({ messages }), 'model', 'invalid_model'],
  ['a model that is not a router name', JSON.stringify({ model: 'gpt-4o', messages }), 'model', 'invalid_model'],
  ['an unknown router', JSON.stringify({ model: 'router-nope-0.5', messages }), 'model', 'unknown_router'],
  ['a threshold that is not a number', JSON.stringify({ model: 'router-random-abc', messages }), 'model', 'invalid_threshold'],
  ['a threshold above 1', JSON.stringify({ model: 'router-random-1.5', messages }), 'model', 'invalid_threshold'],
  ['a negative threshold', JSON.stringify({ model: 'router-random--0.1', messages }), 'model', 'invalid_threshold'],
];

describe('bad input is answered 400, OpenAI-shaped, and never reaches upstream', () => {
  it.each(badInputs)('%s', async (_name, body, param, code) => {
    const before = proxy.upstream.requests.length;
    const answer = await post(body);
    expect(answer.status).toBe(400);
    expectOpenAIError(answer.body);
    expect(answer.body.error.type).toBe('invalid_request_error');
    expect(answer.body.error.param).toBe(param);
    expect(answer.body.error.code).toBe(code);
    expect(answer.headers.get('content-type')).toBe('application/json');
    expect(answer.headers.get('x-request-id')).toBeTruthy();
    expect(proxy.upstream.requests.length).toBe(before);
  });

  it('says a negative threshold is outside [0, 1], through the official client', async () => {
    const error = await proxy.client.chat.completions.create({ model: 'router-random--0.1', messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
    expect(error).toBeInstanceOf(APIError);
    expect(error.status).toBe(400);
    expect(error.error).toEqual({ message: 'threshold -0.1 is outside [0, 1]', type: 'invalid_request_error', param: 'model', code: 'invalid_threshold' });
  });

  it('names the loaded routers when the router is unknown, through the official client', async () => {
    const error = await proxy.client.chat.completions.create({ model: 'router-mf-0.1', messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
    expect(error).toBeInstanceOf(APIError);
    expect(error.status).toBe(400);
    expect(error.message).toContain('keyword, random');
    expect(error.param).toBe('model');
  });
});

describe('paths and methods', () => {
  it('answers 404 for an unknown path', async () => {
    const response = await fetch(`${proxy.server.url}/v1/completions`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(404);
    expectOpenAIError(await response.json());
  });

  it('answers 405 with Allow for a wrong method', async () => {
    const response = await fetch(`${proxy.server.url}/v1/chat/completions`);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    const body = (await response.json()) as any;
    expectOpenAIError(body);
    const models = await fetch(`${proxy.server.url}/v1/models`, { method: 'DELETE' });
    expect(models.status).toBe(405);
    expect(models.headers.get('allow')).toBe('GET, HEAD');
    const head = await fetch(`${proxy.server.url}/v1/chat/completions`, { method: 'HEAD' });
    expect(head.status).toBe(405);
    expect(head.headers.get('allow')).toBe('POST');
  });
});

/** Sends headers and part of a body, then waits for the answer while the body is still unfinished. */
function postUnfinished(headers: Record<string, string>, send: (write: (chunk: string) => boolean) => void) {
  return new Promise<{ status: number; body: any }>((resolve, reject) => {
    const url = new URL(`${proxy.server.url}/v1/chat/completions`);
    const request = httpRequest({ hostname: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers });
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) });
        request.destroy();
      });
    });
    request.on('error', reject);
    send((chunk) => request.write(chunk));
  });
}

describe('413 for a body over --max-body, without reading it all', () => {
  it('refuses a declared content-length over the limit before the body arrives', async () => {
    const before = proxy.upstream.requests.length;
    // Declares 100 MiB and sends 10 bytes: an answer proves the server did not wait for the rest.
    const answer = await postUnfinished({ 'content-type': 'application/json', 'content-length': String(100 * 1024 * 1024) }, (write) => {
      write('{"model": ');
    });
    expect(answer.status).toBe(413);
    expectOpenAIError(answer.body);
    expect(answer.body.error.code).toBe('request_too_large');
    expect(proxy.upstream.requests.length).toBe(before);
  });

  it('refuses a chunked body once it passes the limit, while the client is still sending', async () => {
    const answer = await postUnfinished({ 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, (write) => {
      write(`{"model": "router-random-0.5", "messages": [{"role": "user", "content": "${'x'.repeat(70 * 1024)}`);
    });
    expect(answer.status).toBe(413);
    expect(answer.body.error.type).toBe('invalid_request_error');
  });

  it('answers the official client with 413 too', async () => {
    const error = await proxy.client.chat.completions
      .create({ model: 'router-random-0.5', messages: [{ role: 'user', content: 'y'.repeat(200 * 1024) }] })
      .catch((e) => e);
    expect(error).toBeInstanceOf(APIError);
    expect(error.status).toBe(413);
    expect(error.code).toBe('request_too_large');
  });

  it('keeps serving after a refused body', async () => {
    const data = await proxy.client.chat.completions.create({ model: 'router-random-0.5', messages: [{ role: 'user', content: 'still there?' }] });
    expect(data.choices[0]?.message.content).toBe('echo: still there?');
  });
});

describe('upstream failures', () => {
  it('passes an upstream 400 through with its status and body, not retried', async () => {
    const before = proxy.upstream.requests.length;
    proxy.upstream.reply = () => ({
      kind: 'error',
      status: 400,
      body: { error: { message: 'max_tokens is too large', type: 'invalid_request_error', param: 'max_tokens', code: 'too_large' } },
    });
    const error = await proxy.client.chat.completions.create({ model: 'router-random-0.5', messages: [{ role: 'user', content: 'x' }], max_tokens: 100_000 }).catch((e) => e);
    expect(error).toBeInstanceOf(APIError);
    expect(error.status).toBe(400);
    expect(error.error).toEqual({ message: 'max_tokens is too large', type: 'invalid_request_error', param: 'max_tokens', code: 'too_large' });
    expect(error.headers.get('x-routellm-router')).toBe('random');
    expect(proxy.upstream.requests.length - before).toBe(1);
  });

  it('passes an upstream error whose param and code are null through as null', async () => {
    const sent = { message: 'content policy', type: 'invalid_request_error', param: null, code: null };
    proxy.upstream.reply = () => ({ kind: 'error', status: 400, body: { error: sent } });
    const error = await proxy.client.chat.completions.create({ model: 'router-random-0.5', messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
    expect(error.status).toBe(400);
    expect(error.error).toEqual(sent);
  });

  it('passes an upstream 429 through with retry-after, retrying upstream at most once', async () => {
    const before = proxy.upstream.requests.length;
    proxy.upstream.reply = () => ({
      kind: 'error',
      status: 429,
      headers: { 'retry-after': '0' },
      body: { error: { message: 'Rate limit reached', type: 'requests', param: null, code: 'rate_limit_exceeded' } },
    });
    const error = await proxy.client.chat.completions.create({ model: 'router-random-0.5', messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
    expect(error.status).toBe(429);
    expect(error.headers.get('retry-after')).toBe('0');
    expect(error.error.message).toBe('Rate limit reached');
    expect(error.code).toBe('rate_limit_exceeded');
    expect(proxy.upstream.requests.length - before).toBe(2);
  });

  it('answers 502 for an upstream 500 once the other model failed too: the fallback is the one retry', async () => {
    const before = proxy.upstream.requests.length;
    proxy.upstream.reply = () => ({ kind: 'error', status: 500, headers: { 'retry-after-ms': '1' }, body: { error: { message: 'boom', type: 'server_error', param: null, code: null } } });
    const error = await proxy.client.chat.completions.create({ model: 'router-random-1', messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
    expect(error).toBeInstanceOf(APIError);
    expect(error.status).toBe(502);
    expect(error.type).toBe('server_error');
    expect(error.code).toBe('upstream_error');
    // The last model tried is the one whose failure the client sees; the headers say which failed first.
    expect(error.message).toContain('strong-model');
    expect(error.message).toContain('boom');
    expect(error.message).not.toContain('upstream-key');
    expect(error.headers.get('x-routellm-attempts')).toBe('2');
    expect(error.headers.get('x-routellm-fallback')).toBe('weak-model');
    expect(proxy.upstream.requests.length - before).toBe(2);
  });

  it('ends a stream whose upstream drops mid-way with an SSE error event', async () => {
    proxy.upstream.reply = () => ({ kind: 'drop-stream', events: 3 });
    const stream = await proxy.client.chat.completions.create({ model: 'router-random-0.5', messages: [{ role: 'user', content: 'x' }], stream: true });
    const contents: string[] = [];
    const error = await (async () => {
      for await (const chunk of stream) contents.push(chunk.choices[0]?.delta.content ?? '');
    })().catch((e) => e);
    expect(contents.join('')).toBe('one two ');
    expect(error).toBeInstanceOf(APIError);
    expect(error.message).toContain('ended early');
  });

  it('answers 504 when the upstream does not answer in time', async () => {
    const slow = await startProxy({ reply: () => ({ kind: 'hang' }), upstreams: { timeoutMs: 100, maxRetries: 0 } });
    try {
      const error = await slow.client.chat.completions.create({ model: 'router-random-0.5', messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
      expect(error.status).toBe(504);
      expect(error.code).toBe('upstream_timeout');
    } finally {
      await slow.close();
    }
  });

  it('answers 502 when the upstream cannot be reached', async () => {
    const dead = await startProxy({ upstreams: { overrides: { baseURL: 'http://127.0.0.1:9/v1', apiKey: 'k' }, maxRetries: 0 } });
    try {
      const error = await dead.client.chat.completions.create({ model: 'router-random-0.5', messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
      expect(error.status).toBe(502);
      // The model and why, never the upstream's address: errors reach clients.
      expect(error.message).toContain('cannot reach model "');
      expect(error.message).toContain('ECONNREFUSED');
      expect(error.message).not.toContain('127.0.0.1:9');
    } finally {
      await dead.close();
    }
  });
});
