import { createHash } from 'node:crypto';
import { useStaticEmbedder } from '../embed/offline-embedders.js';
import type { UseStaticEmbedder } from '../embed/use-static-embedder.js';
import { decodeKnnCheckpoint, encodeKnnCheckpoint, KNN_FEATURES_ID } from '../routers/multi/knn-checkpoint.js';
import { unitVector, type KnnModel } from '../routers/multi/knn-model.js';
import { createKnnScorer, knnEmbedding } from '../routers/multi/knn-scorer.js';
import type { MultiLearner } from './run-multi-training.js';
import { TRAINED_FILES } from './train-out-dir.js';

/** Hyper-parameters of the knn router. */
export interface KnnTrainOptions {
  /** Training prompts a prediction averages over (at most all of them). */
  readonly neighbours: number;
  /** Pseudo-prompts at each model's overall mean that every prediction is drawn toward. */
  readonly priorWeight: number;
}

/** Chosen by cross-validation inside the RouterBench train halves (see KNN_RECIPE). */
export const DEFAULT_KNN_TRAIN_OPTIONS: KnnTrainOptions = { neighbours: 100, priorWeight: 2 };

/** The model card's account of the learner and of how its settings were chosen. */
export const KNN_RECIPE = `## How it predicts, and how it was chosen

Each model's predicted score on a prompt is its mean score on the training prompts most similar to it
(cosine similarity of the use-static embedding of the prompt's focus text: a few-shot prompt's open
question), drawn toward the model's mean over all training prompts by \`prior_weight\` pseudo-prompts.
A big neighbourhood mostly tells what kind of task a prompt is and how each model does on that kind;
the decision rule (docs/multi-model.md) then weighs those predictions against the models' costs.

The number of neighbours was chosen by two-fold cross-validation inside the training half only
(folds by the parity of the second byte of sha1(prompt)), on AIQ minus the zero router's, averaged
over the three RouterBench tasks: 10, 25, 50, 75 and 100 neighbours (of about 540 training prompts a
fold) gave -2.36, -0.55, -0.55, -0.60 and -0.29 points. 100 of the full half's 1,072 prompts is the
largest tried, and the least bad. No variant tried (two-level neighbourhoods, candidates limited to the
neighbourhood's hull, per-model logistic heads over the difficulty router's features, mf trained on
each model's success) beat the zero router reliably: within one task no prompt feature found predicts
which model answers (held-out AUC of any model's success 0.5-0.6). The held-out figures below are one
draw of that noise; the shuffled spread beside each says how large it is.`;

/** "Trains" knn: embeds each training prompt's focus text (unit length) and keeps every model's score on it. */
export function trainKnn(options: {
  prompts: readonly string[];
  /** Row-major `prompts x models`. */
  scores: Float64Array;
  models: readonly string[];
  embedder: UseStaticEmbedder;
  hyper: KnnTrainOptions;
}): KnnModel {
  const { prompts, models, embedder, hyper } = options;
  const dim = embedder.dim;
  const embeddings = new Float32Array(prompts.length * dim);
  prompts.forEach((prompt, i) => embeddings.set(unitVector(knnEmbedding(prompt, embedder)), i * dim));
  const m = models.length;
  const prior = new Float64Array(m);
  for (let r = 0; r < prompts.length; r += 1) for (let c = 0; c < m; c += 1) prior[c]! += options.scores[r * m + c] as number;
  for (let c = 0; c < m; c += 1) prior[c]! /= Math.max(1, prompts.length);
  return {
    models: [...models],
    dim,
    embeddings,
    outcomes: Float32Array.from(options.scores),
    neighbours: Math.min(hyper.neighbours, prompts.length),
    priorWeight: hyper.priorWeight,
    prior,
  };
}

/** The knn learner for run-multi-training: fits, encodes, and scores held-out prompts with the weights as written. */
export function knnLearner(hyper: KnnTrainOptions): MultiLearner {
  return async (rows, meanCostUsd, io) => {
    const embedder = await useStaticEmbedder();
    io.stderr.write(`knn: embedding ${rows.prompts.length} training prompts (${embedder.id})\n`);
    const model = trainKnn({ prompts: rows.prompts, scores: rows.scores, models: rows.models, embedder, hyper });
    const { weights, config } = encodeKnnCheckpoint(model, meanCostUsd);
    const [weightsName, configName] = TRAINED_FILES.knn as [string, string];
    const bytes = new TextEncoder().encode(config);
    // Held-out figures from the files as written (float16 embeddings), not the float32 copy in hand.
    const checkpoint = decodeKnnCheckpoint(weights, bytes, { weights: weightsName, config: configName });
    const digest = createHash('sha256').update(weights).update(bytes).digest('hex');
    return {
      scorer: createKnnScorer(checkpoint, embedder, digest),
      files: [
        [weightsName, weights],
        [configName, config],
      ],
      features: KNN_FEATURES_ID,
      hyper: { neighbours: model.neighbours, prior_weight: model.priorWeight },
      recipe: KNN_RECIPE,
    };
  };
}
