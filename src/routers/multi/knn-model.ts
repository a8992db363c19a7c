import { RouterError } from '../../core/index.js';

/**
 * k nearest neighbours over prompt embeddings: a prompt's predicted quality for model m is the
 * mean score m got on the `neighbours` training prompts most like it (cosine similarity), drawn
 * toward m's mean over all training prompts by `priorWeight` pseudo-prompts. Big neighbourhoods
 * (100 of about a thousand prompts in the shipped router) learn mostly what kind of task a prompt
 * is and how each model does on that kind; the rest is what the neighbours tell about this prompt.
 */
export interface KnnModel {
  readonly models: readonly string[];
  readonly dim: number;
  /** Training prompts' embeddings, `rows x dim` row-major, each of unit length (or zero). */
  readonly embeddings: Float32Array;
  /** Scores of every model on every training prompt, `rows x models` row-major. */
  readonly outcomes: Float32Array;
  readonly neighbours: number;
  readonly priorWeight: number;
  /** Each model's mean score over the training prompts. */
  readonly prior: Float64Array;
}

/** The number of training prompts. */
export function knnRows(model: KnnModel): number {
  return model.embeddings.length / model.dim;
}

/** A copy of `vector` scaled to unit length (the zero vector stays zero). */
export function unitVector(vector: ArrayLike<number>): Float32Array {
  let norm = 0;
  for (let i = 0; i < vector.length; i += 1) norm += (vector[i] as number) ** 2;
  norm = Math.sqrt(norm);
  return Float32Array.from(vector, (v) => (norm > 0 ? v / norm : 0));
}

/**
 * Predicted quality of every model for one prompt embedding. Neighbours are the training rows of
 * highest cosine similarity; ties in similarity go to the earlier row, so scores are deterministic.
 */
export function knnScores(model: KnnModel, embedding: Float32Array): Float64Array {
  const { dim, neighbours, models } = model;
  if (embedding.length !== dim) throw new RouterError(`prompt embedding has ${embedding.length} dimensions but the knn weights expect ${dim}`);
  const query = unitVector(embedding);
  const rows = knnRows(model);
  const k = Math.min(neighbours, rows);
  // The k best similarities so far, kept sorted descending (k is small next to the rows).
  const bestSimilarity = new Float64Array(k).fill(Number.NEGATIVE_INFINITY);
  const bestRow = new Int32Array(k).fill(-1);
  const table = model.embeddings;
  for (let r = 0; r < rows; r += 1) {
    let similarity = 0;
    const base = r * dim;
    for (let j = 0; j < dim; j += 1) similarity += (table[base + j] as number) * (query[j] as number);
    if (!(similarity > (bestSimilarity[k - 1] as number))) continue;
    let at = k - 1;
    while (at > 0 && similarity > (bestSimilarity[at - 1] as number)) {
      bestSimilarity[at] = bestSimilarity[at - 1] as number;
      bestRow[at] = bestRow[at - 1] as number;
      at -= 1;
    }
    bestSimilarity[at] = similarity;
    bestRow[at] = r;
  }
  const m = models.length;
  const out = new Float64Array(m);
  for (let i = 0; i < k; i += 1) {
    const base = (bestRow[i] as number) * m;
    for (let c = 0; c < m; c += 1) out[c]! += model.outcomes[base + c] as number;
  }
  for (let c = 0; c < m; c += 1) out[c] = (out[c]! + model.priorWeight * (model.prior[c] as number)) / (k + model.priorWeight);
  return out;
}

/** Checks sizes and values; `source` names the file in errors. */
export function validateKnnModel(model: KnnModel, source: string): KnnModel {
  const fail = (what: string): never => {
    throw new RouterError(`${source}: ${what}`);
  };
  const { models, dim } = model;
  if (models.length < 2) fail(`needs at least two models, got ${models.length}`);
  if (new Set(models).size !== models.length) fail('model names are not unique');
  if (!Number.isInteger(dim) || dim < 1) fail(`dim must be a positive integer, got ${dim}`);
  const rows = model.embeddings.length / dim;
  if (!Number.isInteger(rows) || rows < 1) fail(`embeddings hold ${model.embeddings.length} values, not a whole number of ${dim}-d rows`);
  if (model.outcomes.length !== rows * models.length) fail(`outcomes hold ${model.outcomes.length} values, expected ${rows} prompts x ${models.length} models`);
  if (model.prior.length !== models.length) fail(`prior holds ${model.prior.length} values, expected ${models.length}`);
  if (!Number.isInteger(model.neighbours) || model.neighbours < 1) fail(`neighbours must be a positive integer, got ${model.neighbours}`);
  if (!(model.priorWeight >= 0)) fail(`prior_weight must be a number >= 0, got ${model.priorWeight}`);
  for (const [name, array] of [['embeddings', model.embeddings], ['outcomes', model.outcomes], ['prior', model.prior]] as const) {
    if (!array.every(Number.isFinite)) fail(`"${name}" holds a non-finite value`);
  }
  return model;
}
