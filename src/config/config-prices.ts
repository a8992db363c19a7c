import type { ModelPrice } from './config-sections.js';
import type { RoutellmConfig } from './load-config.js';

/**
 * The prices a config file gives: its `prices:` section, and each `models:` list entry's own
 * `price:` on top (an entry's price is the one serve bills that model at). For the answers
 * `routellm chat` prices itself.
 */
export function configPrices(config: Pick<RoutellmConfig, 'prices' | 'models'>): Record<string, ModelPrice> {
  return { ...config.prices, ...listPrices(config.models?.list ?? []) };
}

/** Each list entry's own `price:`, by name: a config file's entries or a resolved ModelList alike. */
export function listPrices(entries: readonly { readonly name: string; readonly price?: ModelPrice | undefined }[]): Record<string, ModelPrice> {
  return Object.fromEntries(entries.flatMap((entry) => (entry.price ? [[entry.name, entry.price] as const] : [])));
}
