import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { ConfigError, type Router, type RouterContext, type RouterFactory, type RouterOptions } from '../../core/index.js';
import { asConfigErrors } from '../checkpoint-files.js';
import { rejectUnknownOptions } from '../router-options.js';
import { allInOrder } from '../../runtime/all-in-order.js';
import { createCachedEmbedder } from '../../embed/cached-embedder.js';
import { resolveRecordedOpenAIEmbedder } from '../recorded-openai-embedder.js';
import { openAIEmbedderResolver, type EmbedderResolver } from './resolve-embedder.js';
import { loadArenaDatasets } from './arena-datasets.js';
import { BATTLES_FILE, decodeSwRankingData, EMBEDDINGS_FILE, type SwRankingData } from './sw-ranking-data.js';
import { buildSwRankingModel, DEFAULT_NUM_TIERS, DEFAULT_STRONG_MODEL, DEFAULT_WEAK_MODEL, type SwRankingModel } from './sw-ranking-model.js';

/** Where the router looks for its data when the config names none: `<datasets>/sw_ranking/`. */
export const DEFAULT_SW_RANKING_DIR = 'sw_ranking';

const OPTION_KEYS = [
  'arena_battle_datasets',
  'arena_embedding_datasets',
  'data_dir',
  'battles_path',
  'embeddings_path',
  'embedder',
  'strong_model',
  'weak_model',
  'num_tiers',
  'tiers',
  'cache_size',
] as const;

/** A built sw_ranking router, with its model for inspection (tiers, ratings). */
export interface SwRankingRouter extends Router {
  readonly model: SwRankingModel;
}

/**
 * The `sw_ranking` factory. Options: RouteLLM's `arena_battle_datasets` + `arena_embedding_datasets`
 * (Hugging Face dataset ids or local parquet, see loadArenaDatasets), or `data_dir` (holding
 * battles.jsonl + embeddings.safetensors; default `<datasets>/sw_ranking`) or `battles_path` +
 * `embeddings_path`; `embedder` (default: the
 * one recorded with the data); `strong_model` / `weak_model` (default: recorded with the data,
 * else RouteLLM's gpt-4-1106-preview / mixtral-8x7b-instruct-v0.1); `num_tiers` (10); `tiers`
 * (an explicit model -> tier mapping); `cache_size` (prompts whose embedding and win rate are kept, 1024).
 * `resolveEmbedder` turns the embedder spec into an Embedder; the default knows `openai`.
 */
export function createSwRankingRouterFactory(resolveEmbedder: EmbedderResolver = openAIEmbedderResolver()): RouterFactory {
  return {
    name: 'sw_ranking',
    description:
      "RouteLLM's similarity-weighted Elo over embedded battles; options: arena_battle_datasets + arena_embedding_datasets | data_dir | battles_path + embeddings_path, embedder, strong_model, weak_model, num_tiers, tiers",
    // Offline exactly when its embedder is; the default data was embedded by a network embedder.
    offline: false,
    create: (options, context) => createSwRankingRouter(options, context, resolveEmbedder),
  };
}

/** The factory with the default (openai-only) embedder resolution. */
export const swRankingRouterFactory: RouterFactory = createSwRankingRouterFactory();

async function createSwRankingRouter(options: RouterOptions, context: RouterContext, resolveEmbedder: EmbedderResolver): Promise<SwRankingRouter> {
  rejectUnknownOptions('sw_ranking', options, OPTION_KEYS);
  const text = (key: string): string | undefined => {
    const value = options[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value === '') throw new ConfigError(`sw_ranking.${key} must be a non-empty string`);
    return value;
  };
  const integer = (key: string, min: number): number | undefined => {
    const value = options[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
      throw new ConfigError(`sw_ranking.${key} must be an integer >= ${min}, got ${JSON.stringify(value)}`);
    }
    return value;
  };

  const battleSets = datasetList(options, 'arena_battle_datasets');
  const embeddingSets = datasetList(options, 'arena_embedding_datasets');
  const battlesOption = text('battles_path');
  const embeddingsOption = text('embeddings_path');
  let data: SwRankingData;
  let dataDigest: string;
  let embeddingsSource: string;
  if (battleSets !== undefined || embeddingSets !== undefined) {
    // RouteLLM's config: Hugging Face datasets (or local parquet) of battles and their embeddings.
    if (battleSets === undefined || embeddingSets === undefined) {
      throw new ConfigError('sw_ranking: set both arena_battle_datasets and arena_embedding_datasets (RouteLLM config), or data_dir');
    }
    if (battlesOption !== undefined || embeddingsOption !== undefined || options['data_dir'] !== undefined) {
      throw new ConfigError('sw_ranking: arena_battle_datasets/arena_embedding_datasets and data_dir/battles_path/embeddings_path name two sources of data; keep one');
    }
    ({ data, digest: dataDigest } = await loadArenaDatasets(battleSets, embeddingSets, context));
    embeddingsSource = `the arena_embedding_datasets (${embeddingSets.join(', ')})`;
  } else {
    if ((battlesOption === undefined) !== (embeddingsOption === undefined)) {
      throw new ConfigError('sw_ranking: set both battles_path and embeddings_path, or data_dir');
    }
    const dir = text('data_dir') ?? join(context.datasetsDir, DEFAULT_SW_RANKING_DIR);
    const battlesPath = battlesOption ?? join(dir, BATTLES_FILE);
    const embeddingsPath = embeddingsOption ?? join(dir, EMBEDDINGS_FILE);
    const [battlesBytes, embeddingsBytes] = await allInOrder([read(context, battlesPath), read(context, embeddingsPath)]);
    data = await asConfigErrors(() => decodeSwRankingData(battlesBytes, embeddingsBytes, { battles: battlesPath, embeddings: embeddingsPath }));
    dataDigest = createHash('sha256').update(battlesBytes).update(embeddingsBytes).digest('hex');
    embeddingsSource = embeddingsPath;
  }

  let tiers: Record<string, number> | undefined;
  if (options['tiers'] !== undefined) {
    const value = options['tiers'];
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new ConfigError('sw_ranking.tiers must map model names to tier numbers (0 = best)');
    }
    tiers = value as Record<string, number>;
  }
  const strongModel = text('strong_model') ?? data.strongModel ?? DEFAULT_STRONG_MODEL;
  const weakModel = text('weak_model') ?? data.weakModel ?? DEFAULT_WEAK_MODEL;
  const numTiers = integer('num_tiers', 1) ?? DEFAULT_NUM_TIERS;
  // A pair or a tier mapping the battles do not fit is the configuration's to fix.
  const model = await asConfigErrors(() =>
    buildSwRankingModel(data.battles, data.embeddings, data.dim, {
      strongModel,
      weakModel,
      numTiers,
      ...(tiers ? { tiers } : {}),
    }),
  );

  const inner = await resolveDataEmbedder(resolveEmbedder, options['embedder'], data.embedderId, context, battleSets !== undefined);
  if (inner.id !== data.embedderId) {
    throw new ConfigError(
      `sw_ranking: ${embeddingsSource} was embedded with "${data.embedderId}" but the configured embedder is "${inner.id}"; use that embedder or rebuild the data with this one`,
    );
  }
  const embedder = createCachedEmbedder(inner, { maxEntries: integer('cache_size', 1) ?? 1024 });

  const digest = dataDigest.slice(0, 12);
  const tierText = tiers ? JSON.stringify(Object.entries(tiers).sort()) : `n${numTiers}`;
  const fingerprint = `sw_ranking:${inner.id}:${digest}:${strongModel}>${weakModel}:${tierText}`;

  // A decision re-fits the ratings over every battle (milliseconds); a repeated prompt should not.
  const rates = new Map<string, number>();
  const rateCapacity = integer('cache_size', 1) ?? 1024;
  const score = (prompt: string, vector: Float32Array): number => {
    const rate = model.strongWinRate(vector);
    rates.set(prompt, rate);
    if (rates.size > rateCapacity) rates.delete(rates.keys().next().value as string);
    return rate;
  };

  return {
    name: 'sw_ranking',
    fingerprint,
    model,
    strongWinRate(prompt) {
      // A repeated prompt skips the (possibly remote) embedding and the fit, and stays synchronous.
      const known = rates.get(prompt);
      if (known !== undefined) return known;
      const cached = embedder.peek(prompt);
      if (cached) return score(prompt, cached);
      return embedder.embed([prompt]).then(([vector]) => score(prompt, vector!));
    },
    async strongWinRates(prompts) {
      const vectors = await embedder.embed(prompts);
      return vectors.map((vector, i) => rates.get(prompts[i]!) ?? score(prompts[i]!, vector));
    },
  };
}

/** A list of dataset names (RouteLLM's YAML lists); one name alone is taken as a list of one. */
function datasetList(options: RouterOptions, key: string): string[] | undefined {
  const value = options[key];
  if (value === undefined) return undefined;
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || !list.every((item) => typeof item === 'string' && item !== '')) {
    throw new ConfigError(`sw_ranking.${key} must be a list of Hugging Face dataset ids or local parquet paths`);
  }
  return list as string[];
}

/**
 * The embedder for the data: `sw_ranking.embedder` when given, else the one the data records.
 * For RouteLLM's arena data (OpenAI text-embedding-3-small) a missing OpenAI key says why the
 * data needs OpenAI and how to give it.
 */
async function resolveDataEmbedder(resolveEmbedder: EmbedderResolver, option: unknown, recorded: string, context: RouterContext, arena: boolean) {
  if (option !== undefined || !arena) return resolveEmbedder(option ?? recorded, context, 'sw_ranking.embedder');
  return resolveRecordedOpenAIEmbedder(resolveEmbedder, recorded, context, 'sw_ranking', "RouteLLM's arena embeddings are OpenAI text-embedding-3-small, so prompts must be too");
}

async function read(context: RouterContext, path: string): Promise<Uint8Array> {
  try {
    return await context.readFile(path);
  } catch (error) {
    const code = (error as { code?: string }).code ?? (error as Error).message;
    throw new ConfigError(
      `sw_ranking: cannot read ${path} (${code}); set sw_ranking.data_dir, or build the data with \`routellm train --router sw_ranking\``,
    );
  }
}
