import { ConfigError, rejectUnknownOptions, RouterError } from '../core/index.js';
import type { Embedder } from './embedder.js';
import { serviceError } from './internal/service-error.js';
import { createTypedOpenAIClient } from '../upstream/typed-openai-client.js';

/** Native vector lengths of OpenAI's embedding models; `dim` must be given for any other model. */
export const OPENAI_EMBEDDING_DIMS: Readonly<Record<string, number>> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
};

/** The Python RouteLLM's embedding model (its mf and sw_ranking routers were trained on it). */
export const DEFAULT_OPENAI_EMBEDDING_MODEL = 'text-embedding-3-small';

export const DEFAULT_OPENAI_BASE_URL = 'https://api.openai.com/v1';

/** The options an `openai` embedder object may hold besides `type`. */
const OPENAI_EMBEDDER_KEYS = ['base_url', 'api_key', 'api_key_env', 'model', 'dim', 'batch_size', 'timeout_ms'] as const;

/** Settled options of the `openai` embedder. */
export interface OpenAIEmbedderOptions {
  /** Base URL of any OpenAI-compatible API, e.g. `http://127.0.0.1:8000/v1`. */
  readonly baseURL: string;
  readonly apiKey: string;
  readonly model: string;
  /** Vector length. For text-embedding-3 models a smaller value is requested with `dimensions`. */
  readonly dim: number;
  /** Most texts sent in one request. */
  readonly batchSize: number;
  /** Per-request timeout. */
  readonly timeoutMs: number;
  readonly fetch?: typeof globalThis.fetch;
}

/**
 * Embeds through `/v1/embeddings` with the official SDK. The SDK retries at most once: a
 * router calls this on the request path, and the default two retries with backoff would
 * multiply a client's own retries.
 */
export function createOpenAIEmbedder(options: OpenAIEmbedderOptions): Embedder {
  const client = createTypedOpenAIClient(options);
  const native = OPENAI_EMBEDDING_DIMS[options.model];
  const sendDimensions = native !== undefined && options.dim !== native && options.model.startsWith('text-embedding-3');
  const what = `embeddings endpoint ${options.baseURL.replace(/\/+$/, '')}/embeddings (model ${options.model})`;

  async function embedBatch(texts: readonly string[]): Promise<Float32Array[]> {
    let response;
    try {
      response = await client.embeddings.create({
        model: options.model,
        // The API rejects empty strings; a space embeds as "nothing" and keeps indices aligned.
        input: texts.map((text) => (text.length === 0 ? ' ' : text)),
        // Asked for explicitly so we decode straight into a Float32Array; servers that ignore
        // the format and send plain arrays are handled too.
        encoding_format: 'base64',
        ...(sendDimensions ? { dimensions: options.dim } : {}),
      });
    } catch (error) {
      throw serviceError(what, error);
    }
    const data = (response as { data?: unknown }).data;
    if (!Array.isArray(data) || data.length !== texts.length) {
      throw new RouterError(`${what} returned ${Array.isArray(data) ? data.length : 'no'} embeddings for ${texts.length} texts`);
    }
    const vectors: Float32Array[] = new Array(texts.length);
    data.forEach((item: { index?: unknown; embedding?: unknown }, position) => {
      const index = typeof item.index === 'number' ? item.index : position;
      const vector = decodeEmbedding(item.embedding);
      if (!vector || index < 0 || index >= texts.length) {
        throw new RouterError(`${what} returned a malformed embedding at position ${position}`);
      }
      if (vector.length !== options.dim) {
        throw new RouterError(`${what} returned ${vector.length}-d vectors but ${options.dim} were expected; set the embedder's dim`);
      }
      vectors[index] = vector;
    });
    for (let i = 0; i < texts.length; i++) {
      if (!vectors[i]) throw new RouterError(`${what} returned no embedding for input ${i}`);
    }
    return vectors;
  }

  return {
    id: `openai:${options.model}:${options.dim}`,
    dim: options.dim,
    async embed(texts) {
      const out: Float32Array[] = [];
      for (let start = 0; start < texts.length; start += options.batchSize) {
        out.push(...(await embedBatch(texts.slice(start, start + options.batchSize))));
      }
      return out;
    },
  };
}

function decodeEmbedding(embedding: unknown): Float32Array | undefined {
  if (typeof embedding === 'string') {
    const bytes = Buffer.from(embedding, 'base64');
    if (bytes.length % 4 !== 0) return undefined;
    // Copy: the Buffer may sit at an offset of a shared pool that is not 4-byte aligned.
    const out = new Float32Array(bytes.length / 4);
    new Uint8Array(out.buffer).set(bytes);
    return out;
  }
  if (Array.isArray(embedding) && embedding.every((v) => typeof v === 'number')) return Float32Array.from(embedding);
  return undefined;
}

/**
 * Settles the `openai` embedder's options from a config object, in the order
 * option -> environment -> default: `base_url` (else OPENAI_BASE_URL, else api.openai.com),
 * `api_key`, else the variable named by `api_key_env` (default OPENAI_API_KEY), `model`,
 * `dim`, `batch_size` (default 256), `timeout_ms` (default 30000).
 */
export function openAIEmbedderOptions(
  config: Readonly<Record<string, unknown>>,
  env: Readonly<Record<string, string | undefined>>,
  where = 'embedder',
): OpenAIEmbedderOptions {
  rejectUnknownOptions(where, config, OPENAI_EMBEDDER_KEYS);
  const text = (key: string): string | undefined => {
    const value = config[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' || value.length === 0) throw new ConfigError(`${where}.${key} must be a non-empty string`);
    return value;
  };
  const positiveInteger = (key: string): number | undefined => {
    const value = config[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
      throw new ConfigError(`${where}.${key} must be a positive integer, got ${JSON.stringify(value)}`);
    }
    return value;
  };

  const baseURL = text('base_url') ?? env['OPENAI_BASE_URL'] ?? DEFAULT_OPENAI_BASE_URL;
  const model = text('model') ?? DEFAULT_OPENAI_EMBEDDING_MODEL;
  const dim = positiveInteger('dim') ?? OPENAI_EMBEDDING_DIMS[model];
  if (dim === undefined) throw new ConfigError(`${where}.dim is required for embedding model "${model}"`);
  const keyVariable = text('api_key_env') ?? 'OPENAI_API_KEY';
  let apiKey = text('api_key') ?? env[keyVariable];
  if (!apiKey) {
    if (baseURL === DEFAULT_OPENAI_BASE_URL) {
      throw new ConfigError(`${where}: no API key for ${baseURL}; set ${keyVariable} or ${where}.api_key`);
    }
    // Local OpenAI-compatible servers often need no key, but the SDK insists on one.
    apiKey = 'no-key';
  }
  return {
    baseURL,
    apiKey,
    model,
    dim,
    batchSize: positiveInteger('batch_size') ?? 256,
    timeoutMs: positiveInteger('timeout_ms') ?? 30_000,
  };
}
