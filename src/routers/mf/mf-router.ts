import { createHash } from 'node:crypto';
import { ConfigError, type Router, type RouterContext, type RouterFactory, type RouterOptions } from '../../core/index.js';
import { asConfigErrors, readCheckpointFiles } from '../checkpoint-files.js';
import { rejectUnknownOptions, stringOption } from '../router-options.js';
import { createCachedEmbedder } from '../../embed/cached-embedder.js';
import type { Embedder } from '../../embed/embedder.js';
import { offlineEmbedderResolver } from '../../embed/offline-embedders.js';
import type { EmbedderResolver } from '../sw-ranking/resolve-embedder.js';
import { decodeMfCheckpoint, type MfCheckpoint } from './mf-checkpoint.js';
import { modelIndex, pairDirection, winRate, type MfModel } from './mf-model.js';

/** Where the shipped weights live, under the package's datasets/. */
export const DEFAULT_MF_DIR = 'mf';
/** RouteLLM's pair, used when neither the options nor the weights name one. */
export const MF_DEFAULT_STRONG = 'gpt-4-1106-preview';
export const MF_DEFAULT_WEAK = 'mixtral-8x7b-instruct-v0.1';

const OPTION_KEYS = ['checkpoint_path', 'config_path', 'embedder', 'strong_model', 'weak_model', 'cache_size'] as const;

/** A built mf router, with its model for inspection. */
export interface MfRouter extends Router {
  readonly model: MfModel;
  readonly embedder: Embedder;
}

/** Builds the router from a decoded checkpoint and an embedder (no I/O). */
export function createMfRouter(options: {
  checkpoint: MfCheckpoint;
  embedder: Embedder;
  strongModel: string;
  weakModel: string;
  source: string;
  weightsDigest: string;
  /** Where the embedder came from, for the message when its size is wrong: mf.embedder, or the checkpoint (or its default). */
  embedderFrom?: 'option' | 'checkpoint';
}): MfRouter {
  const { checkpoint, embedder, source } = options;
  const { model } = checkpoint;
  if (embedder.dim !== model.textDim) {
    const recorded = checkpoint.config.embedder;
    const trained = recorded
      ? `the weights were trained with embedder ${recorded} (${model.textDim}-d)`
      : `the weights take ${model.textDim}-d prompt embeddings and their config.json names no embedder`;
    const used =
      options.embedderFrom === 'option'
        ? `mf.embedder ${embedder.id} gives ${embedder.dim}-d`
        : `${embedder.id} (${recorded ? 'recorded' : "RouteLLM's, the default"}) gives ${embedder.dim}-d`;
    const fix = recorded ? `set mf.embedder to ${recorded}, or remove it` : `set mf.embedder to one that gives ${model.textDim}-d, or add "embedder" to config.json`;
    throw new ConfigError(`${source}: ${trained}, but ${used}; ${fix}`);
  }
  const strong = modelIndex(model, options.strongModel, source);
  const weak = modelIndex(model, options.weakModel, source);
  if (strong === weak) throw new ConfigError(`${source}: strong and weak model are both "${options.strongModel}"`);
  const direction = pairDirection(model, strong, weak);
  const fingerprint = createHash('sha256')
    .update(`mf\0${options.weightsDigest}\0${embedder.id}\0${options.strongModel}\0${options.weakModel}`)
    .digest('hex')
    .slice(0, 16);
  return {
    name: 'mf',
    fingerprint,
    model,
    embedder,
    async strongWinRate(prompt) {
      const [vector] = await embedder.embed([prompt]);
      return winRate(direction, vector!);
    },
    async strongWinRates(prompts) {
      const vectors = await embedder.embed(prompts);
      return vectors.map((v) => winRate(direction, v));
    },
  };
}

/**
 * Offline embedders first; `openai` (for RouteLLM's checkpoints) is imported only when asked for,
 * so the default router never loads the openai SDK and `routellm route` starts fast.
 */
export const defaultMfEmbedderResolver: EmbedderResolver = offlineEmbedderResolver(async (spec, context, where) => {
  const { openAIEmbedderResolver } = await import('../sw-ranking/resolve-embedder.js');
  return openAIEmbedderResolver()(spec, context, where);
});

/**
 * The `mf` factory. With no options it loads the shipped weights (datasets/mf: trained by
 * `routellm train` over the offline `use-static` embedder) and needs no network. Options:
 * `checkpoint_path` (a model.safetensors file, or a directory holding it and config.json — e.g.
 * RouteLLM's routellm/mf_gpt4_augmented, which then embeds through OpenAI), `config_path`,
 * `embedder` (override the one the weights record), `strong_model`, `weak_model` (names in the
 * weights), `cache_size` (LRU entries of prompt embeddings, default 10000).
 */
export function createMfRouterFactory(resolveEmbedder: EmbedderResolver = defaultMfEmbedderResolver): RouterFactory {
  return {
    name: 'mf',
    description: 'matrix factorisation (RouteLLM mf); offline by default, or RouteLLM checkpoints with OpenAI embeddings',
    offline: true,
    async create(options: RouterOptions, context: RouterContext): Promise<Router> {
      rejectUnknownOptions('mf', options, OPTION_KEYS);
      const { weights, config, weightsPath, configPath, digest } = await readCheckpointFiles('mf', options, context, DEFAULT_MF_DIR);
      const checkpoint = await asConfigErrors(() => decodeMfCheckpoint(weights, config, { weights: weightsPath, config: configPath }));
      const cacheSize = options['cache_size'] ?? 10_000;
      if (typeof cacheSize !== 'number' || !Number.isInteger(cacheSize) || cacheSize < 1) {
        throw new ConfigError('mf: option "cache_size" must be a positive integer');
      }
      const inner = await resolveEmbedder(options['embedder'] ?? checkpoint.embedderId, context, 'mf');
      const recorded = checkpoint.config as { strong_model?: unknown; weak_model?: unknown };
      const strongModel = stringOption('mf', options, 'strong_model') ?? (typeof recorded.strong_model === 'string' ? recorded.strong_model : MF_DEFAULT_STRONG);
      const weakModel = stringOption('mf', options, 'weak_model') ?? (typeof recorded.weak_model === 'string' ? recorded.weak_model : MF_DEFAULT_WEAK);
      // A model name the weights do not know is the configuration's to fix.
      return asConfigErrors(() =>
        createMfRouter({
          checkpoint,
          embedder: createCachedEmbedder(inner, { maxEntries: cacheSize }),
          strongModel,
          weakModel,
          source: weightsPath,
          weightsDigest: digest,
          embedderFrom: options['embedder'] === undefined ? 'checkpoint' : 'option',
        }),
      );
    },
  };
}

/** The `mf` router factory with the default embedder resolver (offline ones, then OpenAI). */
export const mfRouterFactory: RouterFactory = createMfRouterFactory();
