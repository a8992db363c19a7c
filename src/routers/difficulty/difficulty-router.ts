import { LRUCache } from 'lru-cache';
import { createHash } from 'node:crypto';
import { ConfigError, type Router, type RouterFactory, type RouterOptions } from '../../core/index.js';
import { useStaticEmbedder } from '../../embed/offline-embedders.js';
import { allInOrder } from '../../runtime/all-in-order.js';
import { asConfigErrors, readCheckpointFiles } from '../checkpoint-files.js';
import { decodeLexicalCheckpoint } from '../lexical/lexical-checkpoint.js';
import { rawProbability, type LexicalModel } from '../lexical/lexical-model.js';
import { DEFAULT_LEXICAL_DIR } from '../lexical/lexical-router.js';
import { isMultipleChoice } from '../lexical/multiple-choice.js';
import { rejectUnknownOptions } from '../router-options.js';
import { decodeDifficultyCheckpoint, type DifficultyCheckpoint } from './difficulty-checkpoint.js';
import { difficultyInput } from './difficulty-features.js';
import { focusText } from './focus-text.js';
import { difficultyWinRate, mapQuantiles } from './difficulty-model.js';

/** Where the shipped weights live, under the package's datasets/. */
export const DEFAULT_DIFFICULTY_DIR = 'difficulty';

const OPTION_KEYS = ['checkpoint_path', 'config_path', 'lexical', 'cache_size'] as const;

/**
 * Whether the lexical expert scores a prompt: a multiple-choice question asked on its own. In a
 * few-shot prompt most n-grams belong to the solved examples, so the lexical expert would score
 * the examples; the difficulty model reads only the open question there (focus-text.ts).
 */
export function goesToLexical(prompt: string): boolean {
  return isMultipleChoice(prompt) && !focusText(prompt).fewShot;
}

/**
 * Scores a prompt: a multiple-choice question asked on its own by the lexical expert (word
 * n-grams learned on MMLU-style questions) mapped onto this router's scale, everything else by
 * the difficulty model over structure features and the use-static embedding. Synchronous and pure.
 */
export function difficultyScorer(checkpoint: Pick<DifficultyCheckpoint, 'model' | 'multipleChoice'>, lexical: LexicalModel, embed: (text: string) => Float32Array): (prompt: string) => number {
  return (prompt) =>
    goesToLexical(prompt)
      ? mapQuantiles(checkpoint.multipleChoice, rawProbability(lexical, prompt))
      : difficultyWinRate(checkpoint.model, difficultyInput(prompt, embed));
}

/** Wraps a scorer with an LRU (lru-cache; docs/development.md, design notes) of its most recent `maxEntries` answers, keyed by prompt. */
export function cachedScorer(score: (prompt: string) => number, maxEntries: number): (prompt: string) => number {
  const cache = new LRUCache<string, number>({ max: maxEntries });
  return (prompt) => {
    const hit = cache.get(prompt);
    if (hit !== undefined) return hit;
    const value = score(prompt);
    cache.set(prompt, value);
    return value;
  };
}

function subOptions(options: RouterOptions, key: string): RouterOptions {
  const value = options[key];
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ConfigError(`difficulty: option "${key}" must be a map of ${key}'s own options`);
  return value as RouterOptions;
}

/**
 * The `difficulty` factory (the default router). With no options it loads the shipped weights
 * (datasets/difficulty and datasets/lexical) and the use-static token table; offline. Options:
 * `checkpoint_path`, `config_path` (its own files), `lexical` (a map: the lexical expert's
 * `checkpoint_path`, `config_path`), `cache_size` (LRU entries of scores, default 10000).
 */
export const difficultyRouterFactory: RouterFactory = {
  name: 'difficulty',
  description: 'the default: prompt difficulty from structure features and use-static semantics, lexical n-grams for multiple-choice; offline',
  offline: true,
  experts: ['lexical'],
  async create(options, context) {
    rejectUnknownOptions('difficulty', options, OPTION_KEYS);
    const cacheSize = options['cache_size'] ?? 10_000;
    if (typeof cacheSize !== 'number' || !Number.isInteger(cacheSize) || cacheSize < 1) throw new ConfigError('difficulty: option "cache_size" must be a positive integer');
    const lexicalOptions = subOptions(options, 'lexical');
    rejectUnknownOptions('difficulty.lexical', lexicalOptions, ['checkpoint_path', 'config_path']);
    const [own, lexicalFiles, embedder] = await allInOrder([
      readCheckpointFiles('difficulty', options, context, DEFAULT_DIFFICULTY_DIR),
      readCheckpointFiles('difficulty.lexical', lexicalOptions, context, DEFAULT_LEXICAL_DIR),
      useStaticEmbedder(),
    ] as const);
    const checkpoint = await asConfigErrors(() => decodeDifficultyCheckpoint(own.weights, own.config, { weights: own.weightsPath, config: own.configPath }));
    const lexical = await asConfigErrors(
      () => decodeLexicalCheckpoint(lexicalFiles.weights, lexicalFiles.config, { weights: lexicalFiles.weightsPath, config: lexicalFiles.configPath }).model,
    );
    const score = cachedScorer(difficultyScorer(checkpoint, lexical, embedder.embedOne), cacheSize);
    const fingerprint = createHash('sha256').update(`difficulty\0${own.digest}\0${lexicalFiles.digest}\0${embedder.id}`).digest('hex').slice(0, 16);
    const router: Router = { name: 'difficulty', fingerprint, strongWinRate: score };
    return router;
  },
};
