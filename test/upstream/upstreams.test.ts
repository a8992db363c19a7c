import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, UpstreamError } from '../../src/core/index.js';
import { Upstreams } from '../../src/upstream/upstreams.js';
import { startUpstreamServer, type UpstreamReply, type UpstreamServer } from '../helpers/upstream-server.js';

let upstream: UpstreamServer;
beforeAll(async () => {
  upstream = await startUpstreamServer();
});
afterAll(async () => {
  await upstream.close();
});

describe('Upstreams (chat completions over the node:http pass-through)', () => {
  it('strips the provider prefix and sends the key of that provider', async () => {
    const upstreams = new Upstreams({
      pair: { strong: 'openai/gpt-x', weak: 'bare-model' },
      env: { OPENAI_BASE_URL: upstream.baseURL, OPENAI_API_KEY: 'sk-test' },
    });
    try {
      const before = upstream.requests.length;
      const response = await upstreams.chat('openai/gpt-x', { model: 'openai/gpt-x', messages: [{ role: 'user', content: 'hi' }], seed: 3 }, { signal: new AbortController().signal });
      expect(response.status).toBe(200);
      const raw = response.takeBody();
      const text = await new Promise<string>((resolve) => {
        let all = '';
        raw.on('data', (chunk: Buffer) => (all += chunk));
        raw.on('end', () => resolve(all));
      });
      expect(JSON.parse(text).model).toBe('gpt-x');
      const seen = upstream.requests[before];
      expect(seen?.body).toEqual({ model: 'gpt-x', messages: [{ role: 'user', content: 'hi' }], seed: 3 });
      expect(seen?.headers.authorization).toBe('Bearer sk-test');
      expect(seen?.path).toBe('/v1/chat/completions');
    } finally {
      upstreams.close();
    }
  });

  it('reads the whole body as text (label reads completions so)', async () => {
    const upstreams = new Upstreams({ pair: { strong: 's', weak: 'w' }, overrides: { baseURL: upstream.baseURL }, env: {} });
    try {
      const response = await upstreams.chat('w', { messages: [{ role: 'user', content: 'read me' }] }, { signal: new AbortController().signal });
      expect(JSON.parse(await response.text()).choices[0].message.content).toBe('echo: read me');
      expect(() => response.takeBody()).toThrow('already taken');
    } finally {
      upstreams.close();
    }
  });

  /** The error `upstreams.chat` rejects with when the upstream answers `reply`. */
  async function failureFor(reply: UpstreamReply, overrides: { baseURL: string; apiKey?: string } = { baseURL: upstream.baseURL }): Promise<any> {
    const previous = upstream.reply;
    upstream.reply = () => reply;
    const upstreams = new Upstreams({ pair: { strong: 's', weak: 'w' }, overrides, env: {}, maxRetries: 0 });
    try {
      return await upstreams.chat('s', { messages: [] }, { signal: new AbortController().signal }).catch((e) => e);
    } finally {
      upstream.reply = previous;
      upstreams.close();
    }
  }

  it('turns an upstream 400 into an UpstreamError carrying its status and body, for the client', async () => {
    const body = { error: { message: 'bad max_tokens', type: 'invalid_request_error', param: 'max_tokens', code: null } };
    const error = await failureFor({ kind: 'error', status: 400, body });
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.status).toBe(400);
    expect(error.body).toEqual(body);
    expect(error.message).toBe(`model "s" answered 400: bad max_tokens`);
  });

  it.each([401, 403, 404])('turns an upstream %i (the gateway misconfigured, not the client) into a 502 with no upstream body', async (status) => {
    const error = await failureFor(
      { kind: 'error', status, body: { error: { message: 'no such model', type: 'invalid_request_error', param: 'model', code: 'model_not_found' } } },
      { baseURL: upstream.baseURL, apiKey: 'configured-key' },
    );
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.status).toBe(502);
    expect(error.body).toBeUndefined();
    expect(error.message).toBe(`model "s" refused the gateway's request (${status}: no such model); check the model name, base URL and API key`);
  });

  it('never repeats the API key an upstream echoes back', async () => {
    const key = 'sk-SECRET-UPSTREAM-KEY-12345';
    const echo = { error: { message: `Incorrect API key provided: Bearer ${key}`, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } };
    for (const status of [401, 400, 500]) {
      const error = await failureFor({ kind: 'error', status, body: echo }, { baseURL: upstream.baseURL, apiKey: key });
      const said = `${error.message} ${JSON.stringify(error.body ?? null)}`;
      expect(said).not.toContain(key);
      expect(said).toContain('Bearer [redacted]');
    }
  });

  it('says a plain-text error once, without repeating the status', async () => {
    const error = await failureFor({ kind: 'error', status: 400, raw: 'plain text bad request' });
    expect(error.message).toBe(`model "s" answered 400: plain text bad request`);
  });

  it('keeps retry-after and the x-ratelimit-* headers of a 429, and no others', async () => {
    const error = await failureFor({
      kind: 'error',
      status: 429,
      headers: { 'retry-after': '7', 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-tokens': '6m0s', 'x-internal-trace': 'secret' },
    });
    expect(error.status).toBe(429);
    expect(error.headers).toEqual({ 'retry-after': '7', 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-tokens': '6m0s' });
  });
});

describe('base URLs are checked at start-up', () => {
  it.each([
    ['http://admin:hunter2pass@127.0.0.1:1/v1', /--base-url: the URL must not contain a user name or password/],
    ['notaurl', /--base-url: "notaurl" is not a URL/],
    ['ftp://files.example/v1', /--base-url: ftp: URLs are not supported/],
  ])('%s is a ConfigError that never echoes a password', (baseURL, message) => {
    const start = () => new Upstreams({ pair: { strong: 's', weak: 'w' }, overrides: { baseURL }, env: {} });
    expect(start).toThrow(ConfigError);
    expect(start).toThrow(message);
    try {
      start();
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2pass');
    }
  });

  it('says a problem both models share (one --base-url) once, not once per model', () => {
    const start = () => new Upstreams({ pair: { strong: 's', weak: 'w' }, overrides: { baseURL: 'notaurl' }, env: {} });
    expect(start).toThrow('--base-url: "notaurl" is not a URL; expected e.g. http://localhost:8000/v1');
    expect(start).not.toThrow('; and ');
  });

  it('checks OPENAI_BASE_URL the same way', () => {
    expect(() => new Upstreams({ pair: { strong: 's', weak: 'w' }, env: { OPENAI_BASE_URL: 'localhost:8000', OPENAI_API_KEY: 'k' } })).toThrow(/OPENAI_BASE_URL: localhost: URLs are not supported/);
  });
});

describe('the node:http pass-through', () => {
  it.each([
    ["vLLM's", { object: 'error', message: "This model's maximum context length is 4096 tokens", type: 'BadRequestError', code: 400 }, "This model's maximum context length is 4096 tokens"],
    ["FastAPI's", { detail: [{ loc: ['body', 'stream_options'], msg: 'extra fields not permitted' }] }, '[{"loc":["body","stream_options"],"msg":"extra fields not permitted"}]'],
  ])("quotes an error body in %s shape, not 'no body'", async (_name, body, said) => {
    const previous = upstream.reply;
    upstream.reply = () => ({ kind: 'error', status: 400, body });
    const upstreams = new Upstreams({ pair: { strong: 's', weak: 'w' }, overrides: { baseURL: upstream.baseURL }, env: {}, maxRetries: 0 });
    try {
      const error = await upstreams.chat('s', { messages: [] }, { signal: new AbortController().signal }).catch((e) => e);
      expect(error.message).toBe(`model "s" answered 400: ${said}`);
    } finally {
      upstream.reply = previous;
      upstreams.close();
    }
  });

  it('sends OpenAI organisation and project headers to OpenAI only', async () => {
    const upstreams = new Upstreams({
      pair: { strong: 'openai/gpt-x', weak: 'ollama/llama' },
      env: { OPENAI_BASE_URL: upstream.baseURL, OPENAI_API_KEY: 'sk-test', OPENAI_ORG_ID: 'org-1', OPENAI_PROJECT_ID: 'proj-1' },
      providers: [{ prefix: 'ollama', baseURL: upstream.baseURL, keyEnv: undefined }],
    });
    try {
      const before = upstream.requests.length;
      for (const model of ['openai/gpt-x', 'ollama/llama']) {
        const response = await upstreams.chat(model, { messages: [{ role: 'user', content: 'hi' }] }, { signal: new AbortController().signal });
        await response.text();
      }
      const [openai, ollama] = upstream.requests.slice(before);
      expect(openai?.headers['openai-organization']).toBe('org-1');
      expect(openai?.headers['openai-project']).toBe('proj-1');
      expect(ollama?.headers['openai-organization']).toBeUndefined();
      expect(ollama?.body).toEqual({ model: 'llama', messages: [{ role: 'user', content: 'hi' }] });
    } finally {
      upstreams.close();
    }
  });

  it('retries a 503 once, then reports it with the upstream message', async () => {
    const previous = upstream.reply;
    upstream.reply = () => ({ kind: 'error', status: 503, headers: { 'retry-after-ms': '1' }, body: { error: { message: 'overloaded', type: 'server_error', param: null, code: null } } });
    const upstreams = new Upstreams({ pair: { strong: 's', weak: 'w' }, overrides: { baseURL: upstream.baseURL }, env: {}, maxRetries: 1 });
    try {
      const before = upstream.requests.length;
      const error = await upstreams.chat('s', { messages: [] }, { signal: new AbortController().signal }).catch((e) => e);
      expect(error).toBeInstanceOf(UpstreamError);
      expect(error.status).toBe(503);
      expect(error.message).toBe(`model "s" answered 503: overloaded`);
      expect(upstream.requests.length - before).toBe(2);
    } finally {
      upstream.reply = previous;
      upstreams.close();
    }
  });

  it('does not retry a 400, nor anything once the caller aborted', async () => {
    const previous = upstream.reply;
    upstream.reply = () => ({ kind: 'error', status: 400, body: { error: { message: 'bad', type: 'invalid_request_error', param: null, code: null } } });
    const upstreams = new Upstreams({ pair: { strong: 's', weak: 'w' }, overrides: { baseURL: upstream.baseURL }, env: {}, maxRetries: 1 });
    try {
      const before = upstream.requests.length;
      const error = await upstreams.chat('s', { messages: [] }, { signal: new AbortController().signal }).catch((e) => e);
      expect(error.status).toBe(400);
      expect(upstream.requests.length - before).toBe(1);
      const aborted = new AbortController();
      aborted.abort();
      const gone = await upstreams.chat('s', { messages: [] }, { signal: aborted.signal }).catch((e) => e);
      expect(gone).toBeInstanceOf(UpstreamError);
      expect(gone.message).toContain('was aborted');
      expect(upstream.requests.length - before).toBe(1);
    } finally {
      upstream.reply = previous;
      upstreams.close();
    }
  });
});
