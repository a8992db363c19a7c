import { ConfigError, optionName, type ModelEntry, type ModelList, type ModelPair } from '../core/index.js';
import type { AbortSignalLike } from './light-abort.js';
import { createPassThroughAgents, passThroughTarget, postChat, type PassThroughTarget, type UpstreamResponse } from './chat-pass-through.js';
import { spliceBody, type SplicedBodySource } from './splice-body.js';
import { resolveUpstream, type Provider, type UpstreamEndpoint, type UpstreamOverrides } from './providers.js';

export interface UpstreamsOptions {
  readonly pair: ModelPair;
  /** Models beside the pair this client also sends to (label's judge), resolved the same way. */
  readonly extraModels?: readonly string[];
  /**
   * An ordered list of models (the config's `models:` list), each sent where its entry says: its
   * `base_url` (name unchanged, key from `api_key_env`), its `provider` (as `<provider>/<name>`), else
   * as any other model name.
   */
  readonly modelList?: ModelList | undefined;
  readonly overrides?: UpstreamOverrides;
  /** Extra `<prefix>/` providers (the config file's `providers:`), tried before the built-in table. */
  readonly providers?: readonly Provider[];
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Retries for connection errors, 408/409/429 and 5xx; at most 1, because clients retry too. */
  readonly maxRetries?: 0 | 1;
  /** Milliseconds until the upstream's response headers; none by default (the chat pipeline's deadline bounds each attempt). */
  readonly timeoutMs?: number;
  /** Whose request an upstream's 401/403/404 names as refused; default `the gateway` (serve). */
  readonly caller?: string;
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
 * The upstream side of the chat pipeline: the endpoint of each model of the pair, resolved once at
 * start-up so a missing key fails there, not on the first request, and the keep-alive pools chat
 * completions are posted through (chat-pass-through.ts: undici, chosen by measurement; docs/development.md,
 * design notes).
 */
export class Upstreams {
  readonly #targets = new Map<string, { endpoint: UpstreamEndpoint; passThrough: PassThroughTarget }>();
  readonly #agents = createPassThroughAgents();
  readonly #maxRetries: number;
  readonly #timeoutMs: number | undefined;

  constructor(options: UpstreamsOptions) {
    this.#maxRetries = options.maxRetries ?? 1;
    this.#timeoutMs = options.timeoutMs;
    const entries = new Map<string, ModelEntry>((options.modelList ?? []).map((entry) => [entry.name, entry]));
    const models = options.modelList ? [...entries.keys(), ...(options.extraModels ?? [])] : [options.pair.strong, options.pair.weak, ...(options.extraModels ?? [])];
    const endpoints = resolveEach([...new Set(models)], (model) => {
      const entry = entries.get(model);
      return entry ? modelEntryEndpoint(entry, options) : resolveUpstream(model, options.overrides ?? {}, options.env, options.providers);
    });
    for (const endpoint of endpoints) {
      const model = endpoint.model;
      // OpenAI's organisation and project go to OpenAI only, never to another provider.
      const organization = endpoint.provider === 'openai' ? options.env['OPENAI_ORG_ID'] : undefined;
      const project = endpoint.provider === 'openai' ? options.env['OPENAI_PROJECT_ID'] : undefined;
      const passThrough = passThroughTarget(
        endpoint,
        {
          ...(organization ? { 'openai-organization': organization } : {}),
          ...(project ? { 'openai-project': project } : {}),
        },
        options.caller,
        optionName('apiKey', options.overrides?.audience ?? 'cli'),
      );
      this.#targets.set(model, { endpoint, passThrough });
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
    // Not async: the promise is postChat's own, without a frame around it.
    try {
      const target = this.#target(model);
      const source = options.source;
      const bytes = source ? spliceBody(source.body, target.endpoint.upstreamModel, source.addStreamUsage) : Buffer.from(JSON.stringify({ ...body, model: target.endpoint.upstreamModel }));
      return postChat(target.passThrough, this.#agents, bytes, { signal: options.signal, maxRetries: this.#maxRetries, timeoutMs: this.#timeoutMs });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Closes pooled upstream connections. */
  close(): void {
    void this.#agents.dispatcher.destroy();
  }

  #target(model: string) {
    const target = this.#targets.get(model);
    if (!target) throw new ConfigError(`model "${model}" is not one of the configured models`);
    return target;
  }
}

/**
 * Where one entry of a list of models is sent: its base URL (with only its own key), its provider,
 * or as any model name. A ConfigError when its key is not set (serve and `routellm doctor` alike).
 */
export function modelEntryEndpoint(entry: ModelEntry, options: Pick<UpstreamsOptions, 'overrides' | 'env' | 'providers'>): UpstreamEndpoint {
  if (entry.baseUrl !== undefined) {
    const keyEnv = entry.apiKeyEnv;
    const key = keyEnv === undefined ? undefined : options.env[keyEnv];
    if (keyEnv !== undefined && (key === undefined || key === '')) throw new ConfigError(`model "${entry.name}" goes to ${entry.baseUrl} with the key in ${keyEnv}, which is not set; export ${keyEnv}`);
    // Only the entry's own key goes to its base URL (no api_key_env: none), never OPENAI_API_KEY.
    return resolveUpstream(
      entry.name,
      { baseURL: entry.baseUrl, apiKey: key, baseURLSource: `models: "${entry.name}" base_url`, audience: options.overrides?.audience },
      { ...options.env, OPENAI_API_KEY: undefined },
      options.providers,
    );
  }
  const name = entry.provider !== undefined ? `${entry.provider}/${entry.name}` : entry.name;
  return { ...resolveUpstream(name, options.overrides ?? {}, options.env, options.providers), model: entry.name };
}

/**
 * Resolves every model before failing, so a first run learns every fix at once (the strong
 * model's missing key and the weak model's provider), not one per attempt: one line, each
 * model's problem after the other.
 */
function resolveEach(models: readonly string[], resolve: (model: string) => UpstreamEndpoint): UpstreamEndpoint[] {
  const endpoints: UpstreamEndpoint[] = [];
  const problems: ConfigError[] = [];
  for (const model of models) {
    try {
      endpoints.push(resolve(model));
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(error);
    }
  }
  // A problem both models share (one bad --base-url) is said once.
  const messages = [...new Set(problems.map((problem) => problem.message))];
  if (messages.length === 1) throw problems[0];
  if (messages.length > 1) throw new ConfigError(messages.join('; and '));
  return endpoints;
}
