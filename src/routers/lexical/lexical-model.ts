import { RouterError } from '../../core/index.js';
import { numpyInterp } from '../../eval/metrics/interp.js';
import { lexicalVector, type SparseVector } from './lexical-features.js';

/**
 * A monotone map from the model's raw probability onto another router's scale, as two equally
 * long ascending tables of quantiles over the same prompts: a raw value at quantile q becomes the
 * other router's value at q. It keeps the ranking and makes thresholds mean the same thing.
 */
export interface ScoreAlignment {
  /** Which router's scale the output is on, e.g. `mf`. */
  readonly router: string;
  readonly raw: Float64Array;
  readonly aligned: Float64Array;
}

/** Logistic regression over hashed TF-IDF n-grams (see lexical-features.ts). */
export interface LexicalModel {
  readonly buckets: number;
  readonly weights: Float32Array;
  readonly idf: Float32Array;
  readonly bias: number;
  readonly alignment: ScoreAlignment | null;
}

export function dot(weights: Float32Array, x: SparseVector): number {
  let sum = 0;
  for (let i = 0; i < x.indices.length; i++) sum += weights[x.indices[i]!]! * x.values[i]!;
  return sum;
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** The model's own probability that the strong model beats the weak one (ties as half). */
export function rawProbability(model: LexicalModel, prompt: string): number {
  return sigmoid(dot(model.weights, lexicalVector(prompt, model.idf)) + model.bias);
}

/** The strong model's win rate, on the aligned router's scale when the model has one. */
export function lexicalWinRate(model: LexicalModel, prompt: string): number {
  const p = rawProbability(model, prompt);
  // numpy.interp: linear between the table's points, flat beyond its ends, a tie's upper value at a tie.
  return model.alignment ? numpyInterp(p, model.alignment.raw, model.alignment.aligned) : p;
}

/** Checks shapes and values; `source` names the file in errors. */
export function validateLexicalModel(model: LexicalModel, source: string): LexicalModel {
  const fail = (what: string): never => {
    throw new RouterError(`${source}: ${what}`);
  };
  const { buckets } = model;
  if (!Number.isInteger(buckets) || buckets < 2 || (buckets & (buckets - 1)) !== 0) fail(`"buckets" must be a power of two, got ${buckets}`);
  if (model.weights.length !== buckets) fail(`"weights" has ${model.weights.length} values but buckets is ${buckets}`);
  if (model.idf.length !== buckets) fail(`"idf" has ${model.idf.length} values but buckets is ${buckets}`);
  if (!Number.isFinite(model.bias)) fail('"bias" must be a finite number');
  if (!model.weights.every(Number.isFinite) || !model.idf.every(Number.isFinite)) fail('weights or idf hold a non-finite value');
  const a = model.alignment;
  if (a) {
    if (a.raw.length < 2 || a.raw.length !== a.aligned.length) fail('"alignment" needs two equally long tables of at least 2 values');
    for (let i = 1; i < a.raw.length; i++) {
      if (!(a.raw[i]! >= a.raw[i - 1]!) || !(a.aligned[i]! >= a.aligned[i - 1]!)) fail('"alignment" tables must be ascending');
    }
    if (!a.aligned.every((v) => v >= 0 && v <= 1)) fail('"alignment" values must lie in [0, 1]');
  }
  return model;
}
