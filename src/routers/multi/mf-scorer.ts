import { createHash } from 'node:crypto';
import { ConfigError } from '../../core/index.js';
import type { Embedder } from '../../embed/embedder.js';
import { asConfigErrors, readCheckpointFiles } from '../checkpoint-files.js';
import { decodeMfCheckpoint, type MfCheckpoint } from '../mf/mf-checkpoint.js';
import { successProbabilities } from '../mf/mf-model.js';
import { defaultMfEmbedderResolver } from '../mf/mf-router.js';
import { rejectUnknownOptions } from '../router-options.js';
import type { ModelScorer, ModelScorerFactory } from '../../core/index.js';

/** Where the shipped success-trained mf lives, under the package's datasets/. */
export const DEFAULT_MF_SCORER_DIR = 'routerbench-mf';

/** Builds the scorer from a decoded success-trained checkpoint and its embedder (no I/O). */
export function createMfScorer(checkpoint: MfCheckpoint, embedder: Embedder, digest: string, source: string): ModelScorer {
  const { model } = checkpoint;
  if (!model.bias) {
    throw new ConfigError(`${source}: these mf weights were trained on battles between pairs; a router over a list of models needs weights from routellm train --router mf --target success`);
  }
  if (embedder.dim !== model.textDim) throw new ConfigError(`${source}: the weights take ${model.textDim}-d prompt embeddings but ${embedder.id} gives ${embedder.dim}-d`);
  const fingerprint = createHash('sha256').update(`mf-success\0${digest}\0${embedder.id}`).digest('hex').slice(0, 16);
  return {
    name: 'mf',
    fingerprint,
    models: model.modelNames,
    ...(checkpoint.config.mean_cost_usd ? { meanCostUsd: checkpoint.config.mean_cost_usd } : {}),
    async scores(prompt) {
      const [vector] = await embedder.embed([prompt]);
      return successProbabilities(model, vector!);
    },
  };
}

/**
 * The `mf` router over a list of models: RouteLLM's matrix factorisation trained on each model's
 * success (`routellm train --router mf --target success`), every model's chance of a good answer
 * from one embedding of the prompt. With no options it loads datasets/routerbench-mf (RouterBench's
 * 11 models, use-static embeddings; offline). Options: `checkpoint_path`, `config_path`.
 */
export const mfScorerFactory: ModelScorerFactory = {
  name: 'mf',
  description: "matrix factorisation trained on each model's success (an embedding per model); offline with use-static weights",
  async create(options, context) {
    rejectUnknownOptions('mf', options, ['checkpoint_path', 'config_path']);
    const files = await readCheckpointFiles('mf', options, context, DEFAULT_MF_SCORER_DIR);
    const checkpoint = await asConfigErrors(() => decodeMfCheckpoint(files.weights, files.config, { weights: files.weightsPath, config: files.configPath }));
    const embedder = await defaultMfEmbedderResolver(checkpoint.embedderId, context, 'mf');
    return createMfScorer(checkpoint, embedder, files.digest, files.weightsPath);
  },
};
