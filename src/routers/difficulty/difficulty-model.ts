import { RouterError } from '../../core/index.js';
import { numpyInterp } from '../../eval/metrics/interp.js';
import type { DifficultyInput } from './difficulty-features.js';

/** A monotone map of one score onto another's scale: two equally long ascending quantile tables. */
export interface QuantileMap {
  readonly raw: Float64Array;
  readonly aligned: Float64Array;
}

/**
 * Logistic regression over standardised features, its logit kept inside the range the training
 * prompts reached (`clipLow`..`clipHigh`: a one-word prompt's embedding is one token's, far from
 * any training prompt's average, and a linear model would extrapolate it to an extreme), plus two
 * fixed terms:
 * - the task prior: `priorWeight` times a hand-set weighting of structure features (task-prior.ts);
 * - the content shrink: a prompt with `n` words and numbers keeps the share n / (n + k) of its
 *   logit, the rest drawn to `floor`, so a prompt that says almost nothing ("ok", an emoji)
 *   scores low and the same whatever noise its few tokens carry.
 */
export interface DifficultyModel {
  readonly dim: number;
  readonly mean: Float32Array;
  readonly scale: Float32Array;
  readonly weights: Float32Array;
  readonly bias: number;
  readonly clipLow: number;
  readonly clipHigh: number;
  /** Per feature, the hand-set prior weight (zero for most). */
  readonly prior: Float32Array;
  readonly priorWeight: number;
  readonly shrinkK: number;
  readonly floor: number;
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** The learned part of the logit (no prior, no shrink): what training fits. */
export function learnedLogit(model: DifficultyModel, x: Float32Array): number {
  let z = model.bias;
  for (let i = 0; i < model.dim; i++) z += model.weights[i]! * ((x[i]! - model.mean[i]!) / model.scale[i]!);
  return z;
}

/** The full logit of a prompt's input. */
export function difficultyLogit(model: DifficultyModel, input: DifficultyInput): number {
  const x = input.features;
  let z = Math.min(Math.max(learnedLogit(model, x), model.clipLow), model.clipHigh);
  let prior = 0;
  for (let i = 0; i < model.dim; i++) if (model.prior[i] !== 0) prior += model.prior[i]! * x[i]!;
  z += model.priorWeight * prior;
  const keep = input.content / (input.content + model.shrinkK);
  return keep * z + (1 - keep) * model.floor;
}

/** The strong model's win rate: sigmoid of the logit. */
export function difficultyWinRate(model: DifficultyModel, input: DifficultyInput): number {
  return sigmoid(difficultyLogit(model, input));
}

/** Maps a score through a quantile table (numpy.interp: linear inside, flat beyond the ends). */
export function mapQuantiles(map: QuantileMap, value: number): number {
  return numpyInterp(value, map.raw, map.aligned);
}

/** Checks sizes and values; `source` names the file in errors. */
export function validateDifficultyModel(model: DifficultyModel, source: string): DifficultyModel {
  const fail = (what: string): never => {
    throw new RouterError(`${source}: ${what}`);
  };
  for (const [name, array] of [['mean', model.mean], ['scale', model.scale], ['weights', model.weights], ['prior', model.prior]] as const) {
    if (array.length !== model.dim) fail(`"${name}" has ${array.length} values, expected ${model.dim}`);
    if (!array.every(Number.isFinite)) fail(`"${name}" holds a non-finite value`);
  }
  if (!model.scale.every((v) => v > 0)) fail('"scale" values must be positive');
  for (const [name, value] of [['bias', model.bias], ['clip_low', model.clipLow], ['clip_high', model.clipHigh], ['prior_weight', model.priorWeight], ['floor', model.floor]] as const) {
    if (!Number.isFinite(value)) fail(`"${name}" must be a finite number`);
  }
  if (!(model.clipLow <= model.clipHigh)) fail('"clip_low" must not exceed "clip_high"');
  if (!(model.shrinkK >= 0)) fail('"shrink_k" must be a number >= 0');
  return model;
}

/** Checks a quantile table. */
export function validateQuantileMap(map: QuantileMap, source: string): QuantileMap {
  const fail = (what: string): never => {
    throw new RouterError(`${source}: ${what}`);
  };
  if (map.raw.length < 2 || map.raw.length !== map.aligned.length) fail('a quantile table needs two equally long lists of at least 2 values');
  for (let i = 1; i < map.raw.length; i++) {
    if (!(map.raw[i]! >= map.raw[i - 1]!) || !(map.aligned[i]! >= map.aligned[i - 1]!)) fail('quantile tables must be ascending');
  }
  if (!map.aligned.every((v) => v >= 0 && v <= 1)) fail('aligned quantiles must lie in [0, 1]');
  return map;
}
