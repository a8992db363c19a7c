import OpenAI from 'openai';
import { ConfigError, type ModelPair } from '../core/index.js';
import { toAbortSignal, type AbortSignalLike } from './light-abort.js';
import { createPassThroughAgents, passThroughTarget, postChat, type PassThroughTarget, type UpstreamResponse } from './chat-pass-through.js';
import { mapSdkError } from './map-sdk-error.js';
import { createNodeHttpFetch } from './node-http-fetch.js';
import { spliceBody, type SplicedBodySource } from './splice-body.js';
import { resolveUpstream, type Provider, type UpstreamEndpoint, type UpstreamOverrides } from './providers.js';

/**
 * How the SDK reaches the network. `node-http` (the default) is the lean keep-alive fetch
 * chosen by measurement; `fetch` is Node's global fetch, kept for comparison in the bench.
 */
export type Transport = 'node-http' | 'fetch';

/**
 * Who sends chat completions. `pass-through` (the default) posts the body straight over
 * node:http with a keep-alive agent: measured (BENCHMARKS.md, proxy-overhead) the SDK's
 * per-request work costs the proxy a third of its throughput, and a relay parses nothing
 * the SDK would type. `sdk` sends through the openai SDK over `transport`, kept for comparison.
 */
export type ChatClient = 'pass-through' | 'sdk';

export interface UpstreamsOptions {
  readonly pair: ModelPair;
  /** Models beside the pair this client also sends to (label's judge), resolved the same way. */
  readonly extraModels?: readonly string[];
  readonly overrides?: UpstreamOverrides;
  /** Extra `<prefix>/` providers (the config file's `providers:`), tried before the built-in table. */
  readonly providers?: readonly Provider[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly transport?: Transport;
  /** Who sends chat completions; `pass-through` unless a `fetch` is injected. */
  readonly client?: ChatClient;
  /** Injected fetch (tests); wins over `transport`. */
  readonly fetch?: typeof globalThis.fetch;
  /** SDK retries for connection errors, 408/409/429 and 5xx; at most 1, because clients retry too. */
  readonly maxRetries?: 0 | 1;
  /** Milliseconds until the upstream's response headers; the SDK's own default is 10 minutes. */
  readonly timeoutMs?: number;
}

/** Per-call options. */
export interface ChatCallOptions {
  /** Aborted when the client hangs up or the server gives up on the request. */
  readonly signal: AbortSignalLike;
  /**
   * The client's own bytes of `body`, to forward with `model` spliced in (and stream usage asked for
   * when `addStreamUsage`) instead of serialising `body` again; the pass-through uses them.
   */
  readonly source?: { readonly body: SplicedBodySource; readonly addStreamUsage: boolean } | undefined;
}

/**
 * The upstream side of the proxy: the endpoint and the openai SDK client of each model of
 * the pair, resolved once at start-up so a missing key fails there, not on the first request.
 */
export class Upstreams {
  readonly #targets = new Map<string, { endpoint: UpstreamEndpoint; client: OpenAI; passThrough: PassThroughTarget }>();
  readonly #destroy: () => void;
  readonly #passThrough: ReturnType<typeof createPassThroughAgents> | undefined;
  readonly #maxRetries: number;
  readonly #timeoutMs: number | undefined;

  constructor(options: UpstreamsOptions) {
    const lean = options.fetch ? undefined : (options.transport ?? 'node-http') === 'node-http' ? createNodeHttpFetch() : undefined;
    const fetch = options.fetch ?? lean?.fetch ?? globalThis.fetch;
    // An injected fetch (tests) means the caller wants the SDK path over it.
    this.#passThrough = options.fetch === undefined && (options.client ?? 'pass-through') === 'pass-through' ? createPassThroughAgents() : undefined;
    this.#maxRetries = options.maxRetries ?? 1;
    this.#timeoutMs = options.timeoutMs;
    const agents = this.#passThrough;
    this.#destroy = () => {
      lean?.destroy();
      agents?.http.destroy();
      agents?.https.destroy();
    };
    const clients = new Map<string, OpenAI>();
    for (const model of new Set([options.pair.strong, options.pair.weak, ...(options.extraModels ?? [])])) {
      const endpoint = resolveUpstream(model, options.overrides ?? {}, options.env, options.providers);
      const key = `${endpoint.baseURL}\n${endpoint.apiKey}`;
      let client = clients.get(key);
      if (!client) {
        client = new OpenAI({
          apiKey: endpoint.apiKey,
          baseURL: endpoint.baseURL,
          maxRetries: options.maxRetries ?? 1,
          fetch,
          // The SDK would read OPENAI_ORG_ID/OPENAI_PROJECT_ID and send them to every provider.
          organization: endpoint.provider === 'openai' ? (options.env['OPENAI_ORG_ID'] ?? null) : null,
          project: endpoint.provider === 'openai' ? (options.env['OPENAI_PROJECT_ID'] ?? null) : null,
          // Azure: the deployment's URL, its api-version query and its api-key header, as the pass-through sends them.
          ...(endpoint.provider === 'azure' ? { defaultQuery: Object.fromEntries(new URL(endpoint.chatURL).searchParams), defaultHeaders: { ...endpoint.authHeaders, authorization: null } } : {}),
          ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
        });
        clients.set(key, client);
      }
      const organization = endpoint.provider === 'openai' ? options.env['OPENAI_ORG_ID'] : undefined;
      const project = endpoint.provider === 'openai' ? options.env['OPENAI_PROJECT_ID'] : undefined;
      const passThrough = passThroughTarget(endpoint, {
        ...(organization ? { 'openai-organization': organization } : {}),
        ...(project ? { 'openai-project': project } : {}),
      });
      this.#targets.set(model, { endpoint, client, passThrough });
    }
  }

  /** Where a model of the pair is sent. */
  endpoint(model: string): UpstreamEndpoint {
    return this.#target(model).endpoint;
  }

  /**
   * Sends a chat-completions body (every field as the client sent it, `model` replaced by
   * the upstream name) and returns the answer, body unread, so the bytes can be relayed as
   * they come. Throws the core's UpstreamError family.
   */
  chat(model: string, body: Readonly<Record<string, unknown>>, options: ChatCallOptions): Promise<UpstreamResponse> {
    // Not async: on the pass-through path the promise is postChat's own, without a frame around it.
    try {
      const target = this.#target(model);
      if (!this.#passThrough) return this.#chatThroughSdk(target, body, options);
      const source = options.source;
      const bytes = source ? spliceBody(source.body, target.endpoint.upstreamModel, source.addStreamUsage) : Buffer.from(JSON.stringify({ ...body, model: target.endpoint.upstreamModel }));
      return postChat(target.passThrough, this.#passThrough, bytes, { signal: options.signal, maxRetries: this.#maxRetries, timeoutMs: this.#timeoutMs });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async #chatThroughSdk(
    { endpoint, client }: { endpoint: UpstreamEndpoint; client: OpenAI },
    body: Readonly<Record<string, unknown>>,
    options: ChatCallOptions,
  ): Promise<UpstreamResponse> {
    const params = { ...body, model: endpoint.upstreamModel } as unknown as OpenAI.Chat.ChatCompletionCreateParams;
    try {
      return await client.chat.completions.create(params, { signal: toAbortSignal(options.signal) }).asResponse();
    } catch (error) {
      throw mapSdkError(error, endpoint);
    }
  }

  /** Closes pooled upstream connections. */
  close(): void {
    this.#destroy();
  }

  #target(model: string) {
    const target = this.#targets.get(model);
    if (!target) throw new ConfigError(`model "${model}" is not one of the configured models`);
    return target;
  }
}
