import type { ModelPrice } from './config-sections.js';
import type { RoutellmConfig } from './load-config.js';

/**
 * The prices a config file gives: its `prices:` section, and each `models:` list entry's own
 * `price:` on top (an entry's price is the one serve bills that model at). For the answers
 * `routellm chat` prices itself.
 */
export function configPrices(config: Pick<RoutellmConfig, 'prices' | 'models'>): Record<string, ModelPrice> {
  const listed = (config.models?.list ?? []).flatMap((entry) => (entry.price ? [[entry.name, entry.price] as const] : []));
  return { ...config.prices, ...Object.fromEntries(listed) };
}
