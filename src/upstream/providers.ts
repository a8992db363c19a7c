import { ConfigError, DEFAULT_MODEL_PAIR, optionName, optionSetting, type Audience } from '../core/index.js';

/** An OpenAI-compatible provider: where its API lives and which variable holds its key. */
export interface Provider {
  /** The prefix in model names, e.g. `groq` in `groq/llama-3.1-8b-instant`. */
  readonly prefix: string;
  /** The default base URL; undefined when the user must give one (`baseURLEnv`), e.g. a self-hosted vLLM. */
  readonly baseURL: string | undefined;
  /** Environment variable holding the API key; undefined when the provider needs none (a local server). */
  readonly keyEnv: string | undefined;
  /** Other variables read for the key when `keyEnv` is unset (litellm's and the provider's own spellings). */
  readonly altKeyEnvs?: readonly string[];
  /** True when a key is sent if set but not required (local servers that may sit behind a key). */
  readonly keyOptional?: boolean;
  /** Environment variable that replaces `baseURL` (how tests and self-hosted setups point a prefix elsewhere). */
  readonly baseURLEnv?: string;
  /** Wire dialect: `openai` (POST {base}/chat/completions, bearer key) or `azure` (deployments, api-key header). */
  readonly kind?: 'openai' | 'azure';
  /** False when the provider has no OpenAI-style `GET {base}/models` the start-up probe can read. */
  readonly listsModels?: boolean;
}

/** Azure OpenAI's REST API version used when AZURE_API_VERSION is unset. */
export const DEFAULT_AZURE_API_VERSION = '2024-10-21';

/**
 * Provider prefix -> OpenAI-compatible endpoint. One row per provider (litellm's spellings beside
 * the short ones), no code per provider: every one speaks the OpenAI chat-completions wire format
 * at its base URL (Azure with its deployment path and `api-key` header). docs/serve.md has this table.
 */
export const PROVIDERS: readonly Provider[] = [
  { prefix: 'openai', baseURL: 'https://api.openai.com/v1', keyEnv: 'OPENAI_API_KEY', baseURLEnv: 'OPENAI_BASE_URL' },
  { prefix: 'anthropic', baseURL: 'https://api.anthropic.com/v1', keyEnv: 'ANTHROPIC_API_KEY', baseURLEnv: 'ANTHROPIC_API_BASE', listsModels: false },
  { prefix: 'azure', baseURL: undefined, keyEnv: 'AZURE_API_KEY', altKeyEnvs: ['AZURE_OPENAI_API_KEY'], baseURLEnv: 'AZURE_API_BASE', kind: 'azure', listsModels: false },
  { prefix: 'ollama', baseURL: 'http://localhost:11434/v1', keyEnv: undefined, baseURLEnv: 'OLLAMA_API_BASE' },
  { prefix: 'ollama_chat', baseURL: 'http://localhost:11434/v1', keyEnv: undefined, baseURLEnv: 'OLLAMA_API_BASE' },
  { prefix: 'hosted_vllm', baseURL: undefined, keyEnv: 'HOSTED_VLLM_API_KEY', keyOptional: true, baseURLEnv: 'HOSTED_VLLM_API_BASE' },
  { prefix: 'lm_studio', baseURL: 'http://localhost:1234/v1', keyEnv: 'LM_STUDIO_API_KEY', keyOptional: true, baseURLEnv: 'LM_STUDIO_API_BASE' },
  { prefix: 'groq', baseURL: 'https://api.groq.com/openai/v1', keyEnv: 'GROQ_API_KEY', baseURLEnv: 'GROQ_API_BASE' },
  { prefix: 'together', baseURL: 'https://api.together.xyz/v1', keyEnv: 'TOGETHER_API_KEY', altKeyEnvs: ['TOGETHERAI_API_KEY'], baseURLEnv: 'TOGETHERAI_API_BASE' },
  { prefix: 'together_ai', baseURL: 'https://api.together.xyz/v1', keyEnv: 'TOGETHERAI_API_KEY', altKeyEnvs: ['TOGETHER_API_KEY'], baseURLEnv: 'TOGETHERAI_API_BASE' },
  { prefix: 'openrouter', baseURL: 'https://openrouter.ai/api/v1', keyEnv: 'OPENROUTER_API_KEY', baseURLEnv: 'OPENROUTER_API_BASE' },
  { prefix: 'anyscale', baseURL: 'https://api.endpoints.anyscale.com/v1', keyEnv: 'ANYSCALE_API_KEY', baseURLEnv: 'ANYSCALE_API_BASE' },
  { prefix: 'fireworks', baseURL: 'https://api.fireworks.ai/inference/v1', keyEnv: 'FIREWORKS_API_KEY', altKeyEnvs: ['FIREWORKS_AI_API_KEY'], baseURLEnv: 'FIREWORKS_AI_API_BASE' },
  { prefix: 'fireworks_ai', baseURL: 'https://api.fireworks.ai/inference/v1', keyEnv: 'FIREWORKS_AI_API_KEY', altKeyEnvs: ['FIREWORKS_API_KEY'], baseURLEnv: 'FIREWORKS_AI_API_BASE' },
  { prefix: 'deepinfra', baseURL: 'https://api.deepinfra.com/v1/openai', keyEnv: 'DEEPINFRA_API_KEY', baseURLEnv: 'DEEPINFRA_API_BASE' },
  { prefix: 'mistral', baseURL: 'https://api.mistral.ai/v1', keyEnv: 'MISTRAL_API_KEY', baseURLEnv: 'MISTRAL_API_BASE' },
  { prefix: 'gemini', baseURL: 'https://generativelanguage.googleapis.com/v1beta/openai', keyEnv: 'GEMINI_API_KEY', baseURLEnv: 'GEMINI_API_BASE' },
  { prefix: 'deepseek', baseURL: 'https://api.deepseek.com/v1', keyEnv: 'DEEPSEEK_API_KEY', baseURLEnv: 'DEEPSEEK_API_BASE' },
  { prefix: 'xai', baseURL: 'https://api.x.ai/v1', keyEnv: 'XAI_API_KEY', baseURLEnv: 'XAI_API_BASE' },
];

/**
 * The default weak model (RouteLLM's `mistralai/Mixtral-8x7B-Instruct-v0.1`) with the provider
 * prefix that serves it: the name is a Hugging Face id, which no provider table knows, so a
 * command that calls the models needs this name (or --base-url). Help, errors and doctor quote it.
 */
export const DEFAULT_WEAK_MODEL_WITH_PROVIDER = `together_ai/${DEFAULT_MODEL_PAIR.weak}`;

/** Where one configured model name is sent, and as what. */
export interface UpstreamEndpoint {
  /** The model name as configured, e.g. `groq/llama-3.1-8b-instant`. */
  readonly model: string;
  /** The name sent upstream, provider prefix stripped: `llama-3.1-8b-instant`. */
  readonly upstreamModel: string;
  /** Provider prefix used, or `custom` for --base-url. */
  readonly provider: string;
  /** The OpenAI base URL (for Azure, the deployment's): `chat/completions` and `models` hang off it. */
  readonly baseURL: string;
  /** Undefined when no key is configured: then no authentication header is sent at all. */
  readonly apiKey: string | undefined;
  /** The full chat-completions URL, query included (Azure's api-version). */
  readonly chatURL: string;
  /** The URL of the provider's model list, when it has one the start-up probe can read. */
  readonly modelsURL: string | undefined;
  /** Authentication headers: `authorization: Bearer <key>`, Azure's `api-key`, or none without a key. */
  readonly authHeaders: Readonly<Record<string, string>>;
}

/** Overrides that apply to both models: `--base-url`/`--api-key` or ROUTELLM_BASE_URL/ROUTELLM_API_KEY. */
export interface UpstreamOverrides {
  readonly baseURL?: string | undefined;
  readonly apiKey?: string | undefined;
  /** Where `baseURL` came from, as errors name it: `--base-url` (`baseURL` to a program; the default) or `ROUTELLM_BASE_URL`. */
  readonly baseURLSource?: string | undefined;
  /** Who the errors address (default `cli`): a missing key's fix is `--api-key` at the command line, `apiKey` in a program. */
  readonly audience?: Audience | undefined;
}

/**
 * Resolves a model name to an endpoint.
 * - `--base-url` given: every model goes there verbatim (an OpenAI-compatible gateway such as
 *   LiteLLM expects its own `provider/model` names), with `--api-key`, else OPENAI_API_KEY, else no key.
 * - `<prefix>/<model>` with a known prefix (the config file's `providers:` first, then the table):
 *   that provider, prefix stripped, key from its variable (or `--api-key`).
 * - a name without a slash: OpenAI (OPENAI_BASE_URL honoured) with OPENAI_API_KEY.
 * - any other `<prefix>/...`: a ConfigError listing the known prefixes. It used to go to OpenAI,
 *   so a typo (`groqq/`) or litellm's `anthropic/` quietly spent the OpenAI key.
 * A missing key or base URL is a ConfigError at start-up naming the variable, not a 401 on the first request.
 */
export function resolveUpstream(
  model: string,
  overrides: UpstreamOverrides,
  env: Readonly<Record<string, string | undefined>>,
  /** Providers from the config file's `providers:`; they come before (and may replace) the built-in rows. */
  extraProviders: readonly Provider[] = [],
): UpstreamEndpoint {
  const audience = overrides.audience ?? 'cli';
  if (overrides.baseURL) {
    const baseURL = trimSlash(checkedBaseURL(overrides.baseURL, overrides.baseURLSource ?? optionName('baseURL', audience), audience));
    const apiKey = overrides.apiKey || nonEmpty(env['OPENAI_API_KEY']);
    return openAIEndpoint(model, model, 'custom', baseURL, apiKey, true);
  }
  const slash = model.indexOf('/');
  const prefix = slash > 0 ? model.slice(0, slash) : undefined;
  const openai = PROVIDERS[0] as Provider;
  let provider: Provider = openai;
  let upstreamModel = model;
  if (prefix !== undefined) {
    const found = extraProviders.find((row) => row.prefix === prefix) ?? PROVIDERS.find((row) => row.prefix === prefix);
    if (!found) throw unknownPrefix(model, prefix, extraProviders, audience);
    provider = found;
    upstreamModel = model.slice(slash + 1);
  }
  if (upstreamModel.length === 0) {
    throw new ConfigError(`model "${model}" names a provider but no model; expected e.g. "${provider.prefix}/<model>"`);
  }
  const fromEnv = provider.baseURLEnv === undefined ? undefined : nonEmpty(env[provider.baseURLEnv]);
  if (fromEnv === undefined && provider.baseURL === undefined) {
    throw new ConfigError(`model "${model}" goes to ${provider.prefix} but ${provider.baseURLEnv} is not set; export ${provider.baseURLEnv}=<its base URL>`);
  }
  let baseURL = trimSlash(fromEnv !== undefined ? checkedBaseURL(fromEnv, provider.baseURLEnv as string, audience) : checkedBaseURL(provider.baseURL as string, `provider "${provider.prefix}"`, audience));
  // litellm's OLLAMA_API_BASE is Ollama's own root (http://localhost:11434); its OpenAI API is under /v1.
  if ((provider.prefix === 'ollama' || provider.prefix === 'ollama_chat') && fromEnv !== undefined && !baseURL.endsWith('/v1')) baseURL += '/v1';
  const keyVariables = provider.keyEnv === undefined ? [] : [provider.keyEnv, ...(provider.altKeyEnvs ?? [])];
  const fromKeyEnv = keyVariables.map((name) => nonEmpty(env[name])).find((value) => value !== undefined);
  const apiKey = overrides.apiKey || fromKeyEnv;
  if (apiKey === undefined && provider.keyEnv !== undefined && provider.keyOptional !== true) {
    throw new ConfigError(
      `model "${model}" goes to ${provider.prefix} (${baseURL}) but ${provider.keyEnv}${provider.altKeyEnvs?.length ? ` (or ${provider.altKeyEnvs.join(', ')})` : ''} is not set; ` +
        `export ${provider.keyEnv}, or pass ${optionName('apiKey', audience)} (with ${optionName('baseURL', audience)} for another endpoint)`,
    );
  }
  if (provider.kind === 'azure') return azureEndpoint(model, upstreamModel, baseURL, apiKey as string, env);
  return openAIEndpoint(model, upstreamModel, provider.prefix, baseURL, apiKey, provider.listsModels ?? true);
}

/** Every prefix a model name may carry: the config file's, then the built-in table's. */
export function knownPrefixes(extraProviders: readonly Provider[] = []): string[] {
  return [...new Set([...extraProviders.map((row) => row.prefix), ...PROVIDERS.map((row) => row.prefix)])];
}

function unknownPrefix(model: string, prefix: string, extraProviders: readonly Provider[], audience: Audience): ConfigError {
  if (model === DEFAULT_MODEL_PAIR.weak) {
    // The default itself: the fix as one setting to paste, not the table of prefixes.
    return new ConfigError(
      `the default weak model "${model}" names no provider to call it at; pass ${optionSetting('weakModel', DEFAULT_WEAK_MODEL_WITH_PROVIDER, audience)} ` +
        `(with TOGETHERAI_API_KEY set), another <provider>/<model>, or ${optionSetting('baseURL', '<url>', audience)} to send both models to one endpoint`,
    );
  }
  return new ConfigError(
    `model "${model}" has the provider prefix "${prefix}/", which no provider table knows (known: ${knownPrefixes(extraProviders).join(', ')}); ` +
      `use one of those (openai/${model} sends it to OPENAI_BASE_URL as it is), add "${prefix}" under providers: in ${audience === 'cli' ? 'the config file' : 'the config (or the providers option)'}, ` +
      `or send every model to one endpoint with ${optionName('baseURL', audience)}`,
  );
}

function openAIEndpoint(model: string, upstreamModel: string, provider: string, baseURL: string, apiKey: string | undefined, listsModels: boolean): UpstreamEndpoint {
  return {
    model,
    upstreamModel,
    provider,
    baseURL,
    apiKey,
    chatURL: `${baseURL}/chat/completions`,
    modelsURL: listsModels ? `${baseURL}/models` : undefined,
    // No key, no header: a made-up bearer token would be logged and refused by an upstream with auth.
    authHeaders: apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` },
  };
}

/**
 * Azure OpenAI: `azure/<deployment>` posts to {AZURE_API_BASE}/openai/deployments/<deployment>/chat/completions
 * ?api-version={AZURE_API_VERSION}, with the key in an `api-key` header.
 */
function azureEndpoint(model: string, deployment: string, resource: string, apiKey: string, env: Readonly<Record<string, string | undefined>>): UpstreamEndpoint {
  const version = nonEmpty(env['AZURE_API_VERSION']) ?? DEFAULT_AZURE_API_VERSION;
  const baseURL = `${resource}/openai/deployments/${encodeURIComponent(deployment)}`;
  return {
    model,
    upstreamModel: deployment,
    provider: 'azure',
    baseURL,
    apiKey,
    chatURL: `${baseURL}/chat/completions?api-version=${encodeURIComponent(version)}`,
    modelsURL: undefined,
    authHeaders: { 'api-key': apiKey },
  };
}

/**
 * An upstream base URL, checked at start-up: http(s) and no credentials in it (they would be
 * echoed in every error message, and the bearer key goes in --api-key or the key variable).
 * A ConfigError naming `source` (the flag, option or variable it came from) otherwise; `audience`
 * says how the key's own setting is named.
 */
export function checkedBaseURL(value: string, source: string, audience: Audience = 'cli'): string {
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
    throw new ConfigError(`${source}: the URL must not contain a user name or password; put the API key in ${optionName('apiKey', audience)} or the provider's key variable`);
  }
  return value;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function trimSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}
