import OpenAI, { APIConnectionError, APIError, AuthenticationError } from 'openai';
import type { ModelPrice } from '../config/config-sections.js';
import { parseModelName, UpstreamError, UsageError } from '../core/index.js';
import type { ChatBackend } from './chat-backend.js';
import { readChatStream } from './read-chat-stream.js';

/** Where `routellm chat --url` finds a running serve, and with what key. */
export interface ServeChatOptions {
  /** serve's OpenAI base URL, e.g. `http://127.0.0.1:6060/v1`. */
  readonly url: string;
  /** One of serve's `--auth-key`s, when it asks for one. */
  readonly apiKey?: string | undefined;
  readonly fetch?: typeof globalThis.fetch | undefined;
}

/**
 * `routellm chat --url`: each turn is a streamed chat completion to a running `routellm serve`, read
 * back with its `x-routellm-*` headers. The routers are the ones its `/v1/models` lists; a server that cannot be
 * reached, refuses the key or lists no `router-*` model fails here, before the chat opens.
 */
export async function serveChatBackend(options: ServeChatOptions): Promise<ChatBackend> {
  const url = options.url.replace(/\/+$/, '');
  // serve retries its upstream once itself; a second layer of retries here would only hide a dead server.
  const client = new OpenAI({ baseURL: url, apiKey: options.apiKey ?? 'unused', maxRetries: 0, ...(options.fetch ? { fetch: options.fetch } : {}) });
  const routers: string[] = [];
  try {
    for await (const model of client.models.list()) {
      const router = routerOf(model.id);
      if (router !== undefined && !routers.includes(router)) routers.push(router);
    }
  } catch (error) {
    throw startError(url, error);
  }
  if (routers.length === 0) {
    throw new UpstreamError(`${url}/models lists no "router-<router>-<threshold>" model: is that a routellm serve? Check --url`);
  }
  const stats = await readServeStats(url, options);
  return {
    where: url,
    overList: stats.overList,
    routers,
    ...(stats.prices ? { prices: stats.prices } : {}),
    async send(messages, model, signal, onText) {
      try {
        const { data, response } = await client.chat.completions
          .create({ model, messages: [...messages], stream: true, stream_options: { include_usage: true } }, { signal })
          .withResponse();
        const headers = response.headers;
        const streamed = await readChatStream(data, onText);
        return {
          content: streamed.content,
          model: headers.get('x-routellm-model') ?? streamed.model ?? '',
          fallbackFrom: headers.get('x-routellm-fallback') ?? undefined,
          router: headers.get('x-routellm-router') ?? parseModelName(model).router,
          // `cheapest`: a list budget's knob above every shortfall (every call to the cheapest model), as the Controller gives it.
          threshold: headers.get('x-routellm-threshold') === 'cheapest' ? Number.POSITIVE_INFINITY : Number(headers.get('x-routellm-threshold')),
          // Absent over a models: list.
          strongWinRate: optionalNumber(headers.get('x-routellm-strong-win-rate')),
          // Present over a models: list: the answering model's predicted quality.
          quality: optionalNumber(headers.get('x-routellm-quality')),
          usage: streamed.usage,
          };
      } catch (error) {
        if (error instanceof APIConnectionError && !signal.aborted) throw new UpstreamError(`cannot reach ${url}: ${causeOf(error)}; is routellm serve still running?`, { cause: error });
        throw error;
      }
    },
    close: async () => {},
  };
}

/**
 * What chat reads of serve's GET /v1/routellm/stats: whether it routes over a models: list (its stats
 * then have a `list` block), and the prices it bills its models at (`prices`, the priced ones only;
 * undefined when it does not say: a serve from before the field, or stats that could not be read,
 * and chat prices with its own --config, as before).
 */
async function readServeStats(url: string, options: ServeChatOptions): Promise<{ overList: boolean; prices?: Record<string, ModelPrice> }> {
  try {
    const response = await (options.fetch ?? globalThis.fetch)(`${url}/routellm/stats`, {
      headers: options.apiKey === undefined ? {} : { authorization: `Bearer ${options.apiKey}` },
    });
    if (!response.ok) return { overList: false };
    const stats = (await response.json()) as { list?: unknown; prices?: unknown };
    const overList = typeof stats.list === 'object' && stats.list !== null;
    if (typeof stats.prices !== 'object' || stats.prices === null) return { overList };
    const priced = Object.entries(stats.prices).filter((entry): entry is [string, ModelPrice] => isPrice(entry[1]));
    return { overList, prices: Object.fromEntries(priced) };
  } catch {
    return { overList: false };
  }
}

function isPrice(value: unknown): value is ModelPrice {
  const price = value as Partial<ModelPrice> | null;
  return typeof price === 'object' && price !== null && Number.isFinite(price.input) && Number.isFinite(price.output);
}

function optionalNumber(text: string | null): number | undefined {
  return text === null ? undefined : Number(text);
}

function routerOf(id: string): string | undefined {
  try {
    return parseModelName(id).router;
  } catch {
    return undefined;
  }
}

/** Why the first call to serve failed, in one line that says what to do. */
function startError(url: string, error: unknown): Error {
  if (error instanceof AuthenticationError) return new UsageError(`${url} refused the key (401): pass one of serve's --auth-key values with --api-key`);
  if (error instanceof APIConnectionError) return new UpstreamError(`cannot reach ${url}: ${causeOf(error)}; start it with "routellm serve" or check --url`, { cause: error });
  if (error instanceof APIError) return new UpstreamError(`${url}/models answered ${error.status ?? 'an error'}: ${error.message}; is --url a routellm serve's /v1 address?`, { cause: error });
  return error as Error;
}

/** The network error under the SDK's "Connection error." (ECONNREFUSED, ENOTFOUND...). */
function causeOf(error: APIConnectionError): string {
  let cause: unknown = error.cause;
  while (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (typeof code === 'string') return code;
    cause = cause.cause;
  }
  return error.message;
}
