import { Option } from 'commander';
import { UsageError } from '../core/index.js';
import type { RoutellmConfig } from '../config/load-config.js';
import { upstreamRouting } from '../upstream/upstream-routing.js';

/** Where the pair is sent, for serve, doctor and label alike: --base-url, --api-key, and --no-probe of the model lists. */
export function upstreamFlagOptions(): Option[] {
  return [
    new Option('--base-url <url>', 'send both models to this OpenAI-compatible endpoint, names verbatim (env ROUTELLM_BASE_URL)'),
    new Option('--api-key <key>', 'API key for both models; overrides the provider key variables (env ROUTELLM_API_KEY)'),
    new Option('--no-probe', "skip reading each upstream's model list at start-up (it warns when a configured model is not listed)"),
  ];
}

/** upstreamRouting from the flags (commander spells `--base-url` as `baseUrl`). */
export function upstreamRoutingOfFlags(
  flags: { readonly baseUrl?: string | undefined; readonly apiKey?: string | undefined },
  env: Readonly<Record<string, string | undefined>>,
  config: Pick<RoutellmConfig, 'providers'>,
): ReturnType<typeof upstreamRouting> {
  return upstreamRouting({ baseURL: flags.baseUrl, apiKey: flags.apiKey }, env, config);
}

/**
 * RouteLLM's spellings of --base-url and --api-key (`python -m routellm.openai_server --alt-base-url
 * http://localhost:11434/v1`, from its Ollama docs), so its command lines run unchanged.
 */
export function routeLLMUpstreamOptions(): Option[] {
  return [
    new Option('--alt-base-url <url>', "RouteLLM's name for --base-url"),
    new Option('--alt-api-key <key>', "RouteLLM's name for --api-key"),
  ];
}

/** RouteLLM's names folded into ours; both spellings with different values is a UsageError naming them. */
export function foldRouteLLMUpstreamNames<T extends { readonly baseUrl?: string | undefined; readonly apiKey?: string | undefined; readonly altBaseUrl?: string | undefined; readonly altApiKey?: string | undefined }>(flags: T): T {
  const fold = (ours: string | undefined, theirs: string | undefined, names: string): string | undefined => {
    if (theirs === undefined) return ours;
    if (ours !== undefined && ours !== theirs) throw new UsageError(`${names} give two different values; they are the same setting (RouteLLM's name and routellm's): give one`);
    return theirs;
  };
  const baseUrl = fold(flags.baseUrl, flags.altBaseUrl, '--base-url and --alt-base-url');
  const apiKey = fold(flags.apiKey, flags.altApiKey, '--api-key and --alt-api-key');
  const { altBaseUrl: _base, altApiKey: _key, ...rest } = flags;
  return { ...rest, ...(baseUrl !== undefined ? { baseUrl } : {}), ...(apiKey !== undefined ? { apiKey } : {}) } as unknown as T;
}
