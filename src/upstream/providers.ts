import { ConfigError } from '../core/index.js';

/** An OpenAI-compatible provider: where its API lives and which variable holds its key. */
export interface Provider {
  /** The prefix in model names, e.g. `groq` in `groq/llama-3.1-8b-instant`. */
  readonly prefix: string;
  readonly baseURL: string;
  /** Environment variable holding the API key; undefined when the provider needs none (a local server). */
  readonly keyEnv: string | undefined;
}

/**
 * Provider prefix -> OpenAI-compatible endpoint. One row per provider, no code per provider:
 * every one of them speaks the OpenAI chat-completions wire format at this base URL.
 */
export const PROVIDERS: readonly Provider[] = [
  { prefix: 'openai', baseURL: 'https://api.openai.com/v1', keyEnv: 'OPENAI_API_KEY' },
  { prefix: 'ollama', baseURL: 'http://localhost:11434/v1', keyEnv: undefined },
  { prefix: 'groq', baseURL: 'https://api.groq.com/openai/v1', keyEnv: 'GROQ_API_KEY' },
  { prefix: 'together', baseURL: 'https://api.together.xyz/v1', keyEnv: 'TOGETHER_API_KEY' },
  { prefix: 'openrouter', baseURL: 'https://openrouter.ai/api/v1', keyEnv: 'OPENROUTER_API_KEY' },
  { prefix: 'anyscale', baseURL: 'https://api.endpoints.anyscale.com/v1', keyEnv: 'ANYSCALE_API_KEY' },
  { prefix: 'fireworks', baseURL: 'https://api.fireworks.ai/inference/v1', keyEnv: 'FIREWORKS_API_KEY' },
  { prefix: 'deepinfra', baseURL: 'https://api.deepinfra.com/v1/openai', keyEnv: 'DEEPINFRA_API_KEY' },
  { prefix: 'mistral', baseURL: 'https://api.mistral.ai/v1', keyEnv: 'MISTRAL_API_KEY' },
  { prefix: 'gemini', baseURL: 'https://generativelanguage.googleapis.com/v1beta/openai', keyEnv: 'GEMINI_API_KEY' },
  { prefix: 'deepseek', baseURL: 'https://api.deepseek.com/v1', keyEnv: 'DEEPSEEK_API_KEY' },
  { prefix: 'xai', baseURL: 'https://api.x.ai/v1', keyEnv: 'XAI_API_KEY' },
];

/** Sent as the bearer token to servers that need no key: the SDK refuses to run without one. */
export const NO_KEY = 'routellm-no-key';

/** Where one configured model name is sent, and as what. */
export interface UpstreamEndpoint {
  /** The model name as configured, e.g. `groq/llama-3.1-8b-instant`. */
  readonly model: string;
  /** The name sent upstream, provider prefix stripped: `llama-3.1-8b-instant`. */
  readonly upstreamModel: string;
  /** Provider prefix used, or `custom` for --base-url. */
  readonly provider: string;
  readonly baseURL: string;
  readonly apiKey: string;
}

/** Overrides that apply to both models: `--base-url`/`--api-key` or ROUTELLM_BASE_URL/ROUTELLM_API_KEY. */
export interface UpstreamOverrides {
  readonly baseURL?: string | undefined;
  readonly apiKey?: string | undefined;
  /** Where `baseURL` came from, as errors name it: `--base-url` (default) or `ROUTELLM_BASE_URL`. */
  readonly baseURLSource?: string | undefined;
}

/**
 * Resolves a model name to an endpoint.
 * - `--base-url` given: every model goes there verbatim (an OpenAI-compatible gateway such as
 *   LiteLLM expects its own `provider/model` names), with `--api-key`, else OPENAI_API_KEY, else no key.
 * - `<prefix>/<model>` with a known prefix: that provider, prefix stripped, key from its variable
 *   (or `--api-key`).
 * - anything else (including `mistralai/Mixtral-8x7B`): OpenAI (OPENAI_BASE_URL honoured) with OPENAI_API_KEY.
 * A missing key is a ConfigError at start-up naming the variable, not a 401 on the first request.
 */
export function resolveUpstream(
  model: string,
  overrides: UpstreamOverrides,
  env: Readonly<Record<string, string | undefined>>,
  /** Providers from the config file's `providers:`; they come before (and may replace) the built-in rows. */
  extraProviders: readonly Provider[] = [],
): UpstreamEndpoint {
  if (overrides.baseURL) {
    return {
      model,
      upstreamModel: model,
      provider: 'custom',
      baseURL: trimSlash(checkedBaseURL(overrides.baseURL, overrides.baseURLSource ?? '--base-url')),
      apiKey: overrides.apiKey || nonEmpty(env['OPENAI_API_KEY']) || NO_KEY,
    };
  }
  const slash = model.indexOf('/');
  const prefix = slash > 0 ? model.slice(0, slash) : undefined;
  const provider = extraProviders.find((row) => row.prefix === prefix) ?? PROVIDERS.find((row) => row.prefix === prefix);
  const openai = PROVIDERS[0] as Provider;
  const chosen = provider ?? openai;
  const upstreamModel = provider ? model.slice(slash + 1) : model;
  if (upstreamModel.length === 0) {
    throw new ConfigError(`model "${model}" names a provider but no model; expected e.g. "${chosen.prefix}/<model>"`);
  }
  const fromEnv = chosen === openai ? nonEmpty(env['OPENAI_BASE_URL']) : undefined;
  const baseURL = fromEnv !== undefined ? checkedBaseURL(fromEnv, 'OPENAI_BASE_URL') : checkedBaseURL(chosen.baseURL, `provider "${chosen.prefix}"`);
  const apiKey = overrides.apiKey || (chosen.keyEnv ? nonEmpty(env[chosen.keyEnv]) : NO_KEY);
  if (apiKey === undefined) {
    throw new ConfigError(
      `model "${model}" goes to ${chosen.prefix} (${baseURL}) but ${chosen.keyEnv} is not set; ` +
        `export ${chosen.keyEnv}, or pass --api-key (with --base-url for another endpoint)`,
    );
  }
  return { model, upstreamModel, provider: chosen.prefix, baseURL: trimSlash(baseURL), apiKey };
}

/**
 * An upstream base URL, checked at start-up: http(s) and no credentials in it (they would be
 * echoed in every error message, and the bearer key goes in --api-key or the key variable).
 */
function checkedBaseURL(value: string, source: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${source}: "${value}" is not a URL; expected e.g. http://localhost:8000/v1`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${source}: ${url.protocol} URLs are not supported; use http:// or https://`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new ConfigError(`${source}: the URL must not contain a user name or password; put the API key in --api-key or the provider's key variable`);
  }
  return value;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function trimSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}
