import { isDeepStrictEqual } from 'node:util';
import { ConfigError, type RouterContext, type RouterOptions } from '../core/index.js';
import { sortedAscending } from '../eval/metrics/quantile.js';
import { readParquetColumns } from '../parquet/parquet-table.js';

/**
 * RouteLLM's published win rates: its `calibrate_threshold.py --task generate` scored every
 * prompt of the Arena 55k with each router of config.example.yaml and pushed the result, one
 * column per router (`mf`, `sw_ranking`, `causal_llm`, `bert`), to this dataset; `--task
 * calibrate` takes the (1 - share) quantile of a column.
 */
export const PUBLISHED_WIN_RATES_DATASET = 'routellm/lmsys-arena-human-preference-55k-thresholds';

/** RouteLLM's published options per router (config.example.yaml, and the README's extra keys at their defaults). */
const PUBLISHED_OPTIONS: Readonly<Record<string, { readonly required: RouterOptions; readonly defaults: RouterOptions }>> = {
  mf: {
    required: { checkpoint_path: 'routellm/mf_gpt4_augmented' },
    defaults: { hidden_size: 128, strong_model: 'gpt-4-1106-preview', weak_model: 'mixtral-8x7b-instruct-v0.1' },
  },
  sw_ranking: {
    required: {
      arena_battle_datasets: ['lmsys/lmsys-arena-human-preference-55k', 'routellm/gpt4_judge_battles'],
      arena_embedding_datasets: ['routellm/arena_battles_embeddings', 'routellm/gpt4_judge_battles_embeddings'],
    },
    defaults: { strong_model: 'gpt-4-1106-preview', weak_model: 'mixtral-8x7b-instruct-v0.1' },
  },
};

/**
 * True when a router runs with exactly RouteLLM's published weights and data (the options of its
 * config.example.yaml, plus keys of the README's copy at their default values): only then do the
 * published win rates describe it.
 */
export function usesPublishedWeights(router: string, options: RouterOptions): boolean {
  const published = PUBLISHED_OPTIONS[router];
  if (!published) return false;
  return Object.entries(options).every(([key, value]) =>
    key in published.required ? isDeepStrictEqual(published.required[key], value) : key in published.defaults && isDeepStrictEqual(published.defaults[key], value),
  ) && Object.keys(published.required).every((key) => key in options);
}

/**
 * The published win rates of `router` (its column of PUBLISHED_WIN_RATES_DATASET), from the hub
 * or its cache. A ConfigError when the context has no hub or the column is missing; `command`
 * (calibrate, serve) is who asks, as messages say.
 */
export async function publishedWinRates(router: string, context: RouterContext, command = 'calibrate'): Promise<Float64Array> {
  if (!context.hub) throw new ConfigError(`${command}: RouteLLM's published win rates for ${router} are on the Hugging Face hub, which this run cannot reach`);
  const where = `${command} (RouteLLM's published win rates for ${router})`;
  const files = await context.hub.datasetParquetFiles(PUBLISHED_WIN_RATES_DATASET, 'train', where);
  const rates: number[] = [];
  for (const path of files) {
    const columns = await readParquetColumns(await context.readFile(path), [router], { source: `${PUBLISHED_WIN_RATES_DATASET} (${path})`, where, what: command });
    for (const value of columns[router]!) {
      const rate = typeof value === 'bigint' ? Number(value) : value;
      // pandas' quantile skips missing values; so do we.
      if (typeof rate === 'number' && Number.isFinite(rate)) rates.push(rate);
    }
  }
  if (rates.length === 0) throw new ConfigError(`${where}: the column ${router} holds no win rates`);
  return Float64Array.from(rates);
}

/**
 * The published win rates, sorted for thresholdForShare, when `router` runs RouteLLM's published
 * weights (usesPublishedWeights); undefined otherwise. The one rule by which calibrate, serve and
 * route cut a share no calibration table fits, so the three give the same threshold.
 */
export async function publishedShareRates(router: string, options: RouterOptions | undefined, context: RouterContext, command = 'calibrate'): Promise<Float64Array | undefined> {
  if (options === undefined || !usesPublishedWeights(router, options)) return undefined;
  return sortedAscending(await publishedWinRates(router, context, command));
}
