import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, RouterError, UpstreamError } from '../../src/core/index.js';
import { createOpenAIEmbedder, openAIEmbedderOptions } from '../../src/embed/openai-embedder.js';
import { startJsonHandlerServer, type JsonHandlerServer, type JsonRequest } from '../helpers/json-handler-server.js';

/** A deterministic embedding: component j of text t is t.length + j / 10. */
function vectorFor(text: string, dim: number): number[] {
  return Array.from({ length: dim }, (_, j) => text.length + j / 10);
}

/** Answers /embeddings like OpenAI: base64 float32 when asked, plain arrays otherwise; in reverse order to test `index`. */
function embeddingsAnswer(request: JsonRequest, dim = 4) {
  const inputs: string[] = request.body.input;
  const size = request.body.dimensions ?? dim;
  const data = inputs.map((text, index) => {
    const vector = vectorFor(text, size);
    const embedding =
      request.body.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
    return { object: 'embedding', index, embedding };
  });
  return { body: { object: 'list', data: data.reverse(), model: request.body.model, usage: { prompt_tokens: 1, total_tokens: 1 } } };
}

let server: JsonHandlerServer;
beforeAll(async () => {
  server = await startJsonHandlerServer((request) => embeddingsAnswer(request));
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  server.handler = (request) => embeddingsAnswer(request);
});

const base = () => ({ baseURL: server.baseURL, apiKey: 'sk-test', model: 'test-embed', dim: 4, batchSize: 3, timeoutMs: 5_000 });

describe('openai embedder', () => {
  it('embeds through /v1/embeddings in batches, in input order, as Float32Arrays', async () => {
    const embedder = createOpenAIEmbedder(base());
    const texts = ['a', 'bb', 'ccc', 'dddd', '', 'ffffff', 'g'];
    const vectors = await embedder.embed(texts);
    expect(vectors).toHaveLength(7);
    vectors.forEach((vector, i) => {
      expect(vector).toBeInstanceOf(Float32Array);
      // The empty text is sent as one space, so it embeds as a 1-character text.
      expect([...vector]).toEqual([...Float32Array.from(vectorFor(texts[i] || ' ', 4))]);
    });
    expect(server.requests.map((r) => r.body.input.length)).toEqual([3, 3, 1]);
    const first = server.requests[0]!;
    expect(first.path).toBe('/v1/embeddings');
    expect(first.headers.authorization).toBe('Bearer sk-test');
    expect(first.body).toMatchObject({ model: 'test-embed', encoding_format: 'base64' });
    expect(first.body.dimensions).toBeUndefined();
    expect(embedder).toMatchObject({ id: 'openai:test-embed:4', dim: 4 });
  });

  it('accepts servers that send plain float arrays whatever the format asked', async () => {
    server.handler = (request) => embeddingsAnswer({ ...request, body: { ...request.body, encoding_format: 'float' } });
    const [vector] = await createOpenAIEmbedder(base()).embed(['xyz']);
    expect([...vector!]).toEqual([...Float32Array.from(vectorFor('xyz', 4))]);
  });

  it('asks text-embedding-3 models for a shorter vector with `dimensions`', async () => {
    const embedder = createOpenAIEmbedder({ ...base(), model: 'text-embedding-3-small', dim: 8 });
    const [vector] = await embedder.embed(['hello']);
    expect(server.requests[0]!.body.dimensions).toBe(8);
    expect(vector).toHaveLength(8);
  });

  it('rejects vectors of the wrong length with a RouterError', async () => {
    const embedder = createOpenAIEmbedder({ ...base(), dim: 5 });
    await expect(embedder.embed(['x'])).rejects.toThrow(RouterError);
    await expect(embedder.embed(['x'])).rejects.toThrow('returned 4-d vectors but 5 were expected');
  });

  it('maps an error answer to an UpstreamError naming the endpoint, without its status', async () => {
    server.handler = () => ({ status: 401, body: { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } } });
    const error = await createOpenAIEmbedder(base()).embed(['x']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).status).toBeUndefined();
    expect((error as Error).message).toBe(
      `embeddings endpoint ${server.baseURL}/embeddings (model test-embed) answered 401: Incorrect API key provided`,
    );
  });

  it('retries a server error once, not twice', async () => {
    server.handler = () => ({ status: 500, body: { error: { message: 'boom', type: 'server_error', param: null, code: null } } });
    await expect(createOpenAIEmbedder(base()).embed(['x'])).rejects.toThrow('answered 500: boom');
    expect(server.requests).toHaveLength(2);
  });

  it('settles options: option, then environment, then default', () => {
    expect(openAIEmbedderOptions({}, { OPENAI_API_KEY: 'sk-env' })).toEqual({
      baseURL: 'https://api.openai.com/v1',
      apiKey: 'sk-env',
      model: 'text-embedding-3-small',
      dim: 1536,
      batchSize: 256,
      timeoutMs: 30_000,
    });
    expect(
      openAIEmbedderOptions(
        { base_url: 'http://127.0.0.1:9/v1', api_key_env: 'MY_KEY', model: 'text-embedding-3-large', dim: 256, batch_size: 16 },
        { MY_KEY: 'sk-mine', OPENAI_API_KEY: 'sk-other' },
      ),
    ).toMatchObject({ baseURL: 'http://127.0.0.1:9/v1', apiKey: 'sk-mine', model: 'text-embedding-3-large', dim: 256, batchSize: 16 });
    expect(openAIEmbedderOptions({ api_key: 'sk-inline' }, { OPENAI_API_KEY: 'sk-env' }).apiKey).toBe('sk-inline');
    expect(openAIEmbedderOptions({}, { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' })).toMatchObject({ baseURL: 'http://127.0.0.1:9/v1', apiKey: 'no-key' });
  });

  it('rejects unusable options with a ConfigError saying what to set', () => {
    expect(() => openAIEmbedderOptions({}, {})).toThrow(ConfigError);
    expect(() => openAIEmbedderOptions({}, {})).toThrow('embedder: no API key for https://api.openai.com/v1; set OPENAI_API_KEY or embedder.api_key');
    expect(() => openAIEmbedderOptions({ model: 'nomic-embed' }, { OPENAI_API_KEY: 'k' })).toThrow('embedder.dim is required for embedding model "nomic-embed"');
    expect(() => openAIEmbedderOptions({ dim: 0 }, { OPENAI_API_KEY: 'k' })).toThrow('embedder.dim must be a positive integer, got 0');
    expect(() => openAIEmbedderOptions({ base_url: 42 }, { OPENAI_API_KEY: 'k' })).toThrow('embedder.base_url must be a non-empty string');
    expect(() => openAIEmbedderOptions({ modle: 'x' }, { OPENAI_API_KEY: 'k' })).toThrow('embedder: unknown option "modle"; known options: base_url, ');
  });
});
