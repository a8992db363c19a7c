import type { RoutellmConfig } from '../config/load-config.js';
import type { Provider, UpstreamOverrides } from '../upstream/providers.js';

/**
 * Where the models of serve and label are sent, resolved the same way for both: `--base-url`
 * and `--api-key` (else ROUTELLM_BASE_URL, ROUTELLM_API_KEY) over every model, and the config
 * file's `providers:` before the built-in table.
 */
export function upstreamRouting(
  flags: { readonly baseUrl?: string | undefined; readonly apiKey?: string | undefined },
  env: Readonly<Record<string, string | undefined>>,
  config: RoutellmConfig,
): { overrides: UpstreamOverrides; providers: Provider[]; env: Readonly<Record<string, string | undefined>> } {
  return {
    env,
    overrides: {
      baseURL: flags.baseUrl ?? nonEmpty(env['ROUTELLM_BASE_URL']),
      baseURLSource: flags.baseUrl === undefined ? 'ROUTELLM_BASE_URL' : '--base-url',
      apiKey: flags.apiKey ?? nonEmpty(env['ROUTELLM_API_KEY']),
    },
    providers: Object.entries(config.gateway?.providers ?? {}).map(([prefix, provider]) => ({ prefix, baseURL: provider.baseUrl, keyEnv: provider.apiKeyEnv })),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
