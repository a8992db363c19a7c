import { Option } from 'commander';
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
