import { createHash } from 'node:crypto';
import { ConfigError, type Router, type RouterContext, type RouterFactory, type RouterOptions } from '../../core/index.js';
import { asConfigErrors, readCheckpointFiles } from '../checkpoint-files.js';
import { rejectUnknownOptions, stringOption } from '../router-options.js';
import { createCachedEmbedder } from '../../embed/cached-embedder.js';
import type { Embedder } from '../../embed/embedder.js';
import { offlineEmbedderResolver } from '../../embed/offline-embedders.js';
import { resolveRecordedOpenAIEmbedder } from '../recorded-openai-embedder.js';
import type { EmbedderResolver } from '../sw-ranking/resolve-embedder.js';
import { decodeMfCheckpoint, PYTHON_MF_EMBEDDER, type MfCheckpoint, type MfShapeOptions } from './mf-checkpoint.js';
import { modelIndex, pairDirection, winRate, type MfModel } from './mf-model.js';

/** Where the shipped weights live, under the package's datasets/. */
export const DEFAULT_MF_DIR = 'mf';
/** RouteLLM's pair, used when neither the options nor the weights name one. */
export const MF_DEFAULT_STRONG = 'gpt-4-1106-preview';
export const MF_DEFAULT_WEAK = 'mixtral-8x7b-instruct-v0.1';

/** RouteLLM's mf shape options (its config.yaml has `hidden_size: 128`); they win over config.json, as in the Python. */
const SHAPE_KEYS = ['hidden_size', 'num_models', 'text_dim', 'num_classes', 'use_proj'] as const;
const OPTION_KEYS = ['checkpoint_path', 'config_path', 'embedder', 'strong_model', 'weak_model', 'cache_size', ...SHAPE_KEYS] as const;

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
      const shape = shapeOptions(options);
      const { weights, config, weightsPath, configPath, digest, repo } = await readCheckpointFiles('mf', options, context, DEFAULT_MF_DIR, { optionalConfig: true });
      const overridden = Object.keys(shape);
      const configSource = overridden.length === 0 ? configPath : `${configPath} with mf.${overridden.join(', mf.')}`;
      const checkpoint = await asConfigErrors(() => decodeMfCheckpoint(weights, config, { weights: weightsPath, config: configSource }, shape));
      const cacheSize = options['cache_size'] ?? 10_000;
      if (typeof cacheSize !== 'number' || !Number.isInteger(cacheSize) || cacheSize < 1) {
        throw new ConfigError('mf: option "cache_size" must be a positive integer');
      }
      const inner = await resolveCheckpointEmbedder(resolveEmbedder, options['embedder'], checkpoint, context, repo ?? weightsPath);
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

/** The shape options given (hidden_size, num_models, text_dim, num_classes, use_proj), checked. */
function shapeOptions(options: RouterOptions): MfShapeOptions {
  const shape: MfShapeOptions = {};
  for (const key of SHAPE_KEYS) {
    const value = options[key];
    if (value === undefined) continue;
    if (key === 'use_proj') {
      if (typeof value !== 'boolean') throw new ConfigError('mf: option "use_proj" must be true or false');
      shape.use_proj = value;
    } else {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new ConfigError(`mf: option "${key}" must be a positive integer`);
      shape[key] = value;
    }
  }
  return shape;
}

/**
 * The embedder the router uses: `mf.embedder` when given, else the one the weights record, else
 * RouteLLM's OpenAI text-embedding-3-small. When that default cannot be built (no key for
 * api.openai.com), the message says why this checkpoint needs OpenAI and how to give it.
 */
async function resolveCheckpointEmbedder(
  resolveEmbedder: EmbedderResolver,
  option: unknown,
  checkpoint: MfCheckpoint,
  context: RouterContext,
  source: string,
): Promise<Embedder> {
  if (option !== undefined) return resolveEmbedder(option, context, 'mf.embedder');
  if (checkpoint.config.embedder !== undefined || checkpoint.embedderId !== PYTHON_MF_EMBEDDER) return resolveEmbedder(checkpoint.embedderId, context, 'mf');
  return resolveRecordedOpenAIEmbedder(
    resolveEmbedder,
    checkpoint.embedderId,
    context,
    'mf',
    `${source} is RouteLLM's checkpoint format, whose prompts are embedded with OpenAI text-embedding-3-small (1536-d)`,
  );
}

/** The `mf` router factory with the default embedder resolver (offline ones, then OpenAI). */
export const mfRouterFactory: RouterFactory = createMfRouterFactory();
