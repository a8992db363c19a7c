import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamError } from '../../src/core/index.js';
import { takeRawBody } from '../../src/upstream/node-http-fetch.js';
import { Upstreams, type ChatClient, type Transport } from '../../src/upstream/upstreams.js';
import { startUpstreamServer, type UpstreamServer } from '../helpers/upstream-server.js';

let upstream: UpstreamServer;
beforeAll(async () => {
  upstream = await startUpstreamServer();
});
afterAll(async () => {
  await upstream.close();
});

const VARIANTS: { name: string; client: ChatClient; transport: Transport }[] = [
  { name: 'the node:http pass-through', client: 'pass-through', transport: 'node-http' },
  { name: 'the SDK over node:http fetch', client: 'sdk', transport: 'node-http' },
  { name: 'the SDK over global fetch', client: 'sdk', transport: 'fetch' },
];

describe.each(VARIANTS)('Upstreams through $name', ({ client, transport }) => {
  it('strips the provider prefix and sends the key of that provider', async () => {
    const upstreams = new Upstreams({
      pair: { strong: 'openai/gpt-x', weak: 'bare-model' },
      env: { OPENAI_BASE_URL: upstream.baseURL, OPENAI_API_KEY: 'sk-test' },
      transport,
      client,
    });
    try {
      const before = upstream.requests.length;
      const response = await upstreams.chat('openai/gpt-x', { model: 'openai/gpt-x', messages: [{ role: 'user', content: 'hi' }], seed: 3 }, { signal: new AbortController().signal });
      expect(response.status).toBe(200);
      const raw = takeRawBody(response);
      expect(raw === undefined).toBe(client === 'sdk' && transport === 'fetch');
      const text = raw ? await new Promise<string>((resolve) => {
        let all = '';
        raw.on('data', (chunk: Buffer) => (all += chunk));
        raw.on('end', () => resolve(all));
      }) : await response.text();
      expect(JSON.parse(text).model).toBe('gpt-x');
      const seen = upstream.requests[before];
      expect(seen?.body).toEqual({ model: 'gpt-x', messages: [{ role: 'user', content: 'hi' }], seed: 3 });
      expect(seen?.headers.authorization).toBe('Bearer sk-test');
      expect(seen?.path).toBe('/v1/chat/completions');
    } finally {
      upstreams.close();
    }
  });

  it('lets the SDK read the body when nobody takes the raw stream', async () => {
    const upstreams = new Upstreams({ pair: { strong: 's', weak: 'w' }, overrides: { baseURL: upstream.baseURL }, env: {}, transport, client });
    try {
      const response = await upstreams.chat('w', { messages: [{ role: 'user', content: 'read me' }] }, { signal: new AbortController().signal });
      expect(((await response.json()) as any).choices[0].message.content).toBe('echo: read me');
    } finally {
      upstreams.close();
    }
  });

  it('serves the body as a web stream too (the SDK parses streams from response.body)', async () => {
    const upstreams = new Upstreams({ pair: { strong: 's', weak: 'w' }, overrides: { baseURL: upstream.baseURL }, env: {}, transport, client });
    try {
      const response = await upstreams.chat('w', { messages: [{ role: 'user', content: 'as sse' }], stream: true }, { signal: new AbortController().signal });
      expect(response.bodyUsed).toBe(false);
      let text = '';
      const decoder = new TextDecoder();
      for await (const chunk of response.body as ReadableStream<Uint8Array>) text += decoder.decode(chunk, { stream: true });
      expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
      expect(text).toContain('"content":"sse"');
    } finally {
      upstreams.close();
    }
  });

  it('turns an upstream 404 into an UpstreamError carrying status and body', async () => {
    const previous = upstream.reply;
    upstream.reply = () => ({ kind: 'error', status: 404, body: { error: { message: 'no such model', type: 'invalid_request_error', param: 'model', code: 'model_not_found' } } });
    const upstreams = new Upstreams({ pair: { strong: 's', weak: 'w' }, overrides: { baseURL: upstream.baseURL }, env: {}, transport, client });
    try {
      const error = await upstreams.chat('s', { messages: [] }, { signal: new AbortController().signal }).catch((e) => e);
      expect(error).toBeInstanceOf(UpstreamError);
      expect(error.status).toBe(404);
      expect(error.body).toEqual({ error: { message: 'no such model', type: 'invalid_request_error', param: 'model', code: 'model_not_found' } });
      expect(error.message).toContain('model "s"');
    } finally {
      upstream.reply = previous;
      upstreams.close();
    }
  });
});

describe('the node:http pass-through', () => {
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
      expect(error.message).toBe(`model "s" at ${upstream.baseURL} answered 503: overloaded`);
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
