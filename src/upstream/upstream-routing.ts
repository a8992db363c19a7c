import { optionName, type Audience } from '../core/index.js';
import type { RoutellmConfig } from '../config/load-config.js';
import type { Provider, UpstreamOverrides } from './providers.js';

/** Where the models go, as asked for: one endpoint for both (`--base-url`, `--api-key`), and `<prefix>/` providers of one's own. */
export interface UpstreamSettings {
  readonly baseURL?: string | undefined;
  readonly apiKey?: string | undefined;
  /** Providers by prefix, over the config file's `providers:`. */
  readonly providers?: Readonly<Record<string, { readonly baseURL: string; readonly apiKeyEnv?: string | undefined }>> | undefined;
}

/**
 * Where the models of serve, label and the Controller are sent, resolved the same way for all:
 * `baseURL` and `apiKey` (else ROUTELLM_BASE_URL, ROUTELLM_API_KEY) over every model, and the
 * providers given and the config file's `providers:` before the built-in table. `audience`: whom
 * its errors address (`cli`, the default: the flags; `library`: the Controller's options).
 */
export function upstreamRouting(
  settings: UpstreamSettings,
  env: Readonly<Record<string, string | undefined>>,
  config: Pick<RoutellmConfig, 'providers'>,
  audience: Audience = 'cli',
): { overrides: UpstreamOverrides; providers: Provider[]; env: Readonly<Record<string, string | undefined>> } {
  const fromFile = Object.entries(config.providers ?? {}).map(([prefix, provider]) => ({ prefix, baseURL: provider.baseUrl, keyEnv: provider.apiKeyEnv }));
  const given = Object.entries(settings.providers ?? {}).map(([prefix, provider]) => ({ prefix, baseURL: provider.baseURL, keyEnv: provider.apiKeyEnv }));
  return {
    env,
    overrides: {
      baseURL: settings.baseURL ?? nonEmpty(env['ROUTELLM_BASE_URL']),
      baseURLSource: settings.baseURL === undefined ? 'ROUTELLM_BASE_URL' : optionName('baseURL', audience),
      apiKey: settings.apiKey ?? nonEmpty(env['ROUTELLM_API_KEY']),
      audience,
    },
    // The ones given in code first: the table is searched in order.
    providers: [...given, ...fromFile.filter((provider) => !given.some((mine) => mine.prefix === provider.prefix))],
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
