import { RouterError } from '../../core/index.js';

/**
 * RouteLLM's matrix-factorisation model (routellm/routers/matrix_factorization/model.py):
 * each model m has an embedding P[m] (L2-normalised before use), the prompt embedding x is
 * projected to the same dimension by `textProj` (no bias), and
 * score(m, x) = classifier · (P̂[m] ⊙ textProj x). The strong model's win rate over the weak
 * one is sigmoid(score(strong) - score(weak)).
 */
export interface MfModel {
  /** Model names, in row order of `P` (for the Python checkpoint: RouteLLM's MODEL_IDS order). */
  readonly modelNames: readonly string[];
  /** Latent dimension d. */
  readonly dim: number;
  /** Prompt-embedding dimension (the embedder's). */
  readonly textDim: number;
  /** `modelNames.length x dim`, row-major (not yet normalised). */
  readonly P: Float32Array;
  /** `dim x textDim`, row-major: torch's Linear(textDim, dim).weight. Absent when use_proj is false (then dim == textDim). */
  readonly textProj: Float32Array | null;
  /** `dim` weights of the classifier (torch's Linear(dim, 1).weight). */
  readonly classifier: Float32Array;
  /**
   * One bias per model, when trained on each model's success (`routellm train --router mf
   * --target success`): model m answers well with probability sigmoid(bias[m] + score(m, x)).
   * RouteLLM's checkpoints and battle-trained ones have none.
   */
  readonly bias?: Float32Array;
}

/** Checks that every array has the size the dimensions promise; a RouterError names `source`. */
export function validateMfModel(model: MfModel, source: string): MfModel {
  const { modelNames, dim, textDim } = model;
  const fail = (what: string): never => {
    throw new RouterError(`${source}: ${what}`);
  };
  if (!Number.isInteger(dim) || dim < 1) fail(`dim must be a positive integer, got ${dim}`);
  if (!Number.isInteger(textDim) || textDim < 1) fail(`text_dim must be a positive integer, got ${textDim}`);
  if (modelNames.length < 2) fail(`needs at least two models, got ${modelNames.length}`);
  if (new Set(modelNames).size !== modelNames.length) fail('model names are not unique');
  if (model.P.length !== modelNames.length * dim) {
    fail(`P has ${model.P.length} values, expected ${modelNames.length} models x ${dim}`);
  }
  if (model.textProj === null) {
    if (dim !== textDim) fail(`without a text projection dim (${dim}) must equal text_dim (${textDim})`);
  } else if (model.textProj.length !== dim * textDim) {
    fail(`text projection has ${model.textProj.length} values, expected ${dim} x ${textDim}`);
  }
  if (model.classifier.length !== dim) fail(`classifier has ${model.classifier.length} values, expected ${dim}`);
  if (model.bias !== undefined && model.bias.length !== modelNames.length) fail(`bias has ${model.bias.length} values, expected one per model (${modelNames.length})`);
  for (const [name, array] of [['P', model.P], ['text projection', model.textProj], ['classifier', model.classifier], ['bias', model.bias ?? null]] as const) {
    if (array && !array.every(Number.isFinite)) fail(`${name} contains NaN or infinite values`);
  }
  return model;
}

/** Row index of `name` in the model, or a RouterError listing the names it knows. */
export function modelIndex(model: MfModel, name: string, source: string): number {
  const index = model.modelNames.indexOf(name);
  if (index < 0) {
    const known = model.modelNames.length > 12 ? `${model.modelNames.slice(0, 12).join(', ')}, ...` : model.modelNames.join(', ');
    throw new RouterError(`${source}: unknown model "${name}"; the weights know ${known}`);
  }
  return index;
}

/**
 * Folds the model for one (strong, weak) pair into a single vector w over prompt embeddings:
 * score(strong) - score(weak) = c · ((P̂s - P̂w) ⊙ A x) = (Aᵀ (c ⊙ (P̂s - P̂w))) · x = w · x.
 * The fold is exact, and makes each decision one dot product of length textDim.
 */
export function pairDirection(model: MfModel, strong: number, weak: number): Float32Array {
  const { dim, textDim, P, textProj, classifier } = model;
  const unit = (row: number): Float64Array => {
    const v = new Float64Array(dim);
    let norm = 0;
    for (let k = 0; k < dim; k++) {
      v[k] = P[row * dim + k]!;
      norm += v[k]! * v[k]!;
    }
    // torch.nn.functional.normalize divides by max(norm, 1e-12).
    norm = Math.max(Math.sqrt(norm), 1e-12);
    for (let k = 0; k < dim; k++) v[k]! /= norm;
    return v;
  };
  const s = unit(strong);
  const w = unit(weak);
  const u = new Float64Array(dim);
  for (let k = 0; k < dim; k++) u[k] = classifier[k]! * (s[k]! - w[k]!);
  const out = new Float64Array(textDim);
  if (textProj === null) {
    out.set(u);
  } else {
    for (let k = 0; k < dim; k++) {
      const uk = u[k]!;
      if (uk === 0) continue;
      const row = k * textDim;
      for (let j = 0; j < textDim; j++) out[j]! += uk * textProj[row + j]!;
    }
  }
  return Float32Array.from(out);
}

/** Scores every model for one prompt embedding, as RouteLLM's forward() does (for tests and multi-model use). */
export function modelScores(model: MfModel, embedding: Float32Array): Float64Array {
  const { dim, textDim, P, textProj, classifier } = model;
  const projected = new Float64Array(dim);
  for (let k = 0; k < dim; k++) {
    if (textProj === null) {
      projected[k] = embedding[k]!;
      continue;
    }
    let sum = 0;
    for (let j = 0; j < textDim; j++) sum += textProj[k * textDim + j]! * embedding[j]!;
    projected[k] = sum;
  }
  const scores = new Float64Array(model.modelNames.length);
  for (let m = 0; m < scores.length; m++) {
    let norm = 0;
    for (let k = 0; k < dim; k++) norm += P[m * dim + k]! ** 2;
    norm = Math.max(Math.sqrt(norm), 1e-12);
    let score = 0;
    for (let k = 0; k < dim; k++) score += classifier[k]! * (P[m * dim + k]! / norm) * projected[k]!;
    scores[m] = score;
  }
  return scores;
}

/** sigmoid(w · x): the strong model's win rate for a prompt embedding x. */
export function winRate(direction: Float32Array, embedding: Float32Array): number {
  if (embedding.length !== direction.length) {
    throw new RouterError(`prompt embedding has ${embedding.length} dimensions but the mf weights expect ${direction.length}; use the embedder the weights were trained with`);
  }
  let z = 0;
  for (let j = 0; j < direction.length; j++) z += direction[j]! * embedding[j]!;
  return 1 / (1 + Math.exp(-z));
}

/** Each model's chance of a good answer for one prompt embedding: sigmoid(bias[m] + score(m, x)); needs a success-trained model. */
export function successProbabilities(model: MfModel, embedding: Float32Array): Float64Array {
  if (!model.bias) throw new RouterError('these mf weights were trained on battles between pairs and have no per-model bias; train with --target success for a router over a list of models');
  const scores = modelScores(model, embedding);
  return scores.map((score, m) => 1 / (1 + Math.exp(-(score + (model.bias![m] as number)))));
}
