import { checkModelList, ConfigError, type ModelEntry, type ModelList, type TokenPrice } from '../core/index.js';
import type { ModelListEntry, ModelsSection } from './config-sections.js';

/** Where a list of models may come from besides the file: the library's `models` option, and the pair flags that turn it off. */
export interface ModelListSettings {
  /** The models, cheapest first (the Controller's `models`); over the config file's `models:` list. */
  readonly models?: readonly (string | ModelListEntry)[] | undefined;
  readonly strongModel?: string | undefined;
  readonly weakModel?: string | undefined;
}

/**
 * The ordered list of models to route over, or undefined for the strong/weak pair. The list given
 * (the library's `models`) comes first; a pair given (`--strong-model`/`--weak-model`, or
 * ROUTELLM_STRONG_MODEL/ROUTELLM_WEAK_MODEL) then wins over the file's `models:` list, so the
 * two-model path stays exactly as it was; else the file's list. Each entry's price is its own, else
 * `prices:` and the built-in table's (`priceOf`). Throws a ConfigError for an empty or one-model
 * list, a model listed twice, or a model without a price.
 */
export function resolveModelList(
  given: ModelListSettings,
  env: Readonly<Record<string, string | undefined>>,
  file: ModelsSection,
  priceOf: (model: string) => TokenPrice | undefined,
  where: string,
): ModelList | undefined {
  if (given.models !== undefined) return listOf(given.models, priceOf, 'models');
  const pairGiven = [given.strongModel, given.weakModel, env['ROUTELLM_STRONG_MODEL'], env['ROUTELLM_WEAK_MODEL']].some((name) => name !== undefined && name !== '');
  if (pairGiven || file.list === undefined) return undefined;
  return listOf(file.list, priceOf, where);
}

function listOf(entries: readonly (string | ModelListEntry)[], priceOf: (model: string) => TokenPrice | undefined, where: string): ModelList {
  if (!Array.isArray(entries)) throw new ConfigError(`${where} must be a list of models, cheapest first`);
  const list: ModelEntry[] = entries.map((given) => {
    const entry: ModelListEntry = typeof given === 'string' ? { name: given, tags: [] } : given;
    return {
      name: entry.name,
      provider: entry.provider,
      baseUrl: entry.baseUrl,
      apiKeyEnv: entry.apiKeyEnv,
      price: entry.price ?? priceOf(entry.name),
      tags: entry.tags ?? [],
      scoredAs: entry.scoredAs,
    };
  });
  return checkModelList(list, where);
}
