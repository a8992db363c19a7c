import { UsageError } from '../core/index.js';
import { learnedLogit, type DifficultyModel } from '../routers/difficulty/difficulty-model.js';
import { STRUCTURE_FEATURE_NAMES } from '../routers/difficulty/structure-features.js';
import { PRIOR_ONLY_FEATURES, TASK_PRIOR } from '../routers/difficulty/task-prior.js';
import { quantileOfSorted } from '../eval/metrics/quantile.js';
import { minimizeLbfgs } from './lbfgs.js';

/** Hyper-parameters of the difficulty router. */
export interface DifficultyTrainOptions {
  /**
   * L2 penalties on the weights of the structure features and of the embedding (standardised
   * features), against a loss summed over sources: the 256 embedding weights are held back
   * harder, so the few structure features (length, numbers, code) carry across domains.
   */
  readonly l2Structure: number;
  readonly l2Embedding: number;
  /** Scale of the hand-set task prior (task-prior.ts) added to the logit. */
  readonly priorWeight: number;
  /** Content shrink: a prompt with n words and numbers keeps n / (n + k) of its logit. */
  readonly shrinkK: number;
  /** The floor content-free prompts are drawn to: this quantile of the training prompts' logits. */
  readonly floorQuantile: number;
  /** The learned logit is clipped to these quantiles of the training prompts' logits. */
  readonly clipQuantiles: readonly [number, number];
  readonly maxIterations: number;
}

/** Chosen by leave-one-domain-out runs (l2) and the sanity set's dev half (prior, shrink): datasets/README.md. */
export const DEFAULT_DIFFICULTY_TRAIN_OPTIONS: DifficultyTrainOptions = { l2Structure: 0.003, l2Embedding: 0.3, priorWeight: 6, shrinkK: 2, floorQuantile: 0.1, clipQuantiles: [0.005, 0.995], maxIterations: 500 };

/** Training rows: feature vectors (`rows x dim`, row-major), targets, and each row's source index. */
export interface DifficultyTrainingSet {
  readonly features: Float32Array;
  readonly dim: number;
  readonly targets: Float64Array;
  readonly sources: Int32Array;
  readonly sourceCount: number;
}

/**
 * Fits logistic regression with soft targets and one intercept per source (fixed effects): the
 * weights learn what ranks prompts *within* each source, which is what routing one kind of traffic
 * needs, and no source's base rate leaks into them (a benchmark where the weak model fails often
 * would otherwise teach "looks like that benchmark -> strong"). Each source weighs the same in the
 * loss. At inference the bias is the mean intercept. The prior-only features (task-prior.ts) get
 * no learned weight. Deterministic (L-BFGS, fixed order).
 */
export function trainDifficulty(set: DifficultyTrainingSet, hyper: DifficultyTrainOptions, onIteration?: (iteration: number, loss: number) => void): DifficultyModel {
  const { features, dim, targets, sources, sourceCount } = set;
  const n = targets.length;
  if (n === 0) throw new UsageError('difficulty training needs at least one prompt');
  const mean = new Float64Array(dim);
  const scale = new Float64Array(dim);
  for (let r = 0; r < n; r++) for (let j = 0; j < dim; j++) mean[j]! += features[r * dim + j]!;
  for (let j = 0; j < dim; j++) mean[j]! /= n;
  for (let r = 0; r < n; r++) for (let j = 0; j < dim; j++) scale[j]! += (features[r * dim + j]! - mean[j]!) ** 2;
  for (let j = 0; j < dim; j++) scale[j] = Math.sqrt(scale[j]! / n) + 1e-6;
  // Prior-only features are not learned: their columns read as zero, so their weights stay 0.
  const learned = Uint8Array.from({ length: dim }, (_, j) => (j < STRUCTURE_FEATURE_NAMES.length && PRIOR_ONLY_FEATURES.includes(STRUCTURE_FEATURE_NAMES[j]!) ? 0 : 1));
  const X = new Float64Array(n * dim);
  for (let r = 0; r < n; r++) for (let j = 0; j < dim; j++) X[r * dim + j] = learned[j] ? (features[r * dim + j]! - mean[j]!) / scale[j]! : 0;
  const counts = new Float64Array(sourceCount);
  for (let r = 0; r < n; r++) counts[sources[r]!]! += 1;
  const weight = Float64Array.from(sources, (s) => 1 / counts[s]!);
  const l2 = Float64Array.from({ length: dim }, (_, j) => (j < STRUCTURE_FEATURE_NAMES.length ? hyper.l2Structure : hyper.l2Embedding));
  const { x } = minimizeLbfgs({
    x0: new Float64Array(dim + sourceCount),
    maxIterations: hyper.maxIterations,
    ...(onIteration ? { onIteration } : {}),
    objective(theta, grad) {
      grad.fill(0);
      let loss = 0;
      for (let r = 0; r < n; r++) {
        let z = theta[dim + sources[r]!]!;
        const row = r * dim;
        for (let j = 0; j < dim; j++) z += theta[j]! * X[row + j]!;
        const y = targets[r]!;
        const wr = weight[r]!;
        loss += wr * ((z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - y * z);
        const g = wr * (1 / (1 + Math.exp(-z)) - y);
        for (let j = 0; j < dim; j++) grad[j]! += g * X[row + j]!;
        grad[dim + sources[r]!]! += g;
      }
      for (let j = 0; j < dim; j++) {
        loss += 0.5 * l2[j]! * theta[j]! * theta[j]!;
        grad[j]! += l2[j]! * theta[j]!;
      }
      return loss;
    },
  });
  let bias = 0;
  for (let s = 0; s < sourceCount; s++) bias += x[dim + s]!;
  bias /= sourceCount;
  const prior = new Float32Array(dim);
  STRUCTURE_FEATURE_NAMES.forEach((name, i) => (prior[i] = TASK_PRIOR[name] ?? 0));
  const partial: DifficultyModel = {
    dim,
    mean: Float32Array.from(mean),
    scale: Float32Array.from(scale),
    weights: Float32Array.from(x.subarray(0, dim)),
    bias,
    clipLow: Number.NEGATIVE_INFINITY,
    clipHigh: Number.POSITIVE_INFINITY,
    prior,
    priorWeight: hyper.priorWeight,
    shrinkK: hyper.shrinkK,
    floor: 0,
  };
  const logits = new Float64Array(n);
  for (let r = 0; r < n; r++) logits[r] = learnedLogit(partial, features.subarray(r * dim, (r + 1) * dim));
  logits.sort();
  return {
    ...partial,
    floor: quantileOfSorted(logits, hyper.floorQuantile),
    clipLow: quantileOfSorted(logits, hyper.clipQuantiles[0]),
    clipHigh: quantileOfSorted(logits, hyper.clipQuantiles[1]),
  };
}
