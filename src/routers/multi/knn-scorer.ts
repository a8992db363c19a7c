import { createHash } from 'node:crypto';
import { useStaticEmbedder } from '../../embed/offline-embedders.js';
import type { UseStaticEmbedder } from '../../embed/use-static-embedder.js';
import { allInOrder } from '../../runtime/all-in-order.js';
import { asConfigErrors, readCheckpointFiles } from '../checkpoint-files.js';
import { focusText } from '../difficulty/focus-text.js';
import { rejectUnknownOptions } from '../router-options.js';
import { decodeKnnCheckpoint, type KnnCheckpoint } from './knn-checkpoint.js';
import { knnScores } from './knn-model.js';
import type { ModelScorer, ModelScorerFactory } from '../../core/index.js';

/** Where the shipped weights live, under the package's datasets/: the router for RouterBench's 11 models. */
export const DEFAULT_KNN_DIR = 'routerbench-knn';

/** What the knn router embeds of a prompt: its focus text (see focus-text.ts), the way it was trained. */
export function knnEmbedding(prompt: string, embedder: Pick<UseStaticEmbedder, 'embedOne'>): Float32Array {
  return embedder.embedOne(focusText(prompt).text);
}

/** Builds the scorer from a decoded checkpoint (no I/O). */
export function createKnnScorer(checkpoint: KnnCheckpoint, embedder: UseStaticEmbedder, digest: string): ModelScorer {
  const fingerprint = createHash('sha256').update(`knn\0${digest}\0${embedder.id}`).digest('hex').slice(0, 16);
  return {
    name: 'knn',
    fingerprint,
    models: checkpoint.model.models,
    meanCostUsd: checkpoint.config.mean_cost_usd,
    scores: (prompt) => knnScores(checkpoint.model, knnEmbedding(prompt, embedder)),
  };
}

/**
 * The `knn` factory: with no options it loads the shipped router for RouterBench's 11 models
 * (datasets/routerbench-knn) and the use-static token table; offline. Options: `checkpoint_path`,
 * `config_path` (a router of your own from `routellm train --router knn`).
 */
export const knnScorerFactory: ModelScorerFactory = {
  name: 'knn',
  description: 'k nearest neighbours over use-static embeddings: each model\'s mean score on the most similar training prompts; offline',
  async create(options, context) {
    rejectUnknownOptions('knn', options, ['checkpoint_path', 'config_path']);
    const [files, embedder] = await allInOrder([readCheckpointFiles('knn', options, context, DEFAULT_KNN_DIR), useStaticEmbedder()] as const);
    const checkpoint = await asConfigErrors(() => decodeKnnCheckpoint(files.weights, files.config, { weights: files.weightsPath, config: files.configPath }));
    return createKnnScorer(checkpoint, embedder, files.digest);
  },
};
