import { UsageError } from '../core/index.js';
import { inverseDocumentFrequency, lexicalVector, type SparseVector } from '../routers/lexical/lexical-features.js';
import type { LexicalModel } from '../routers/lexical/lexical-model.js';
import { minimizeLbfgs } from './lbfgs.js';

/** Hyper-parameters of the lexical router. */
export interface LexicalTrainOptions {
  /** Hash buckets, a power of two. */
  readonly buckets: number;
  /** L2 penalty on the weights (not the bias), per example. */
  readonly l2: number;
  readonly maxIterations: number;
}

/** Chosen by 4-fold cross-validation on the MMLU train half only (datasets/README.md). */
export const DEFAULT_LEXICAL_TRAIN_OPTIONS: LexicalTrainOptions = { buckets: 65_536, l2: 1e-3, maxIterations: 400 };

/** One training prompt and its target: the probability the strong model does better (ties 0.5). */
export interface LexicalExample {
  readonly prompt: string;
  readonly target: number;
}

/**
 * Fits L2-regularised logistic regression over TF-IDF hashed n-grams with L-BFGS, the idf taken
 * from the training prompts. Deterministic: no randomness, a fixed arithmetic order.
 */
export function trainLexical(options: {
  examples: readonly LexicalExample[];
  hyper?: Partial<LexicalTrainOptions>;
  onIteration?: (iteration: number, loss: number) => void;
}): LexicalModel {
  const hyper = { ...DEFAULT_LEXICAL_TRAIN_OPTIONS, ...options.hyper };
  const { buckets, l2 } = hyper;
  const { examples } = options;
  if (examples.length === 0) throw new UsageError('lexical training needs at least one prompt');
  if (!Number.isInteger(buckets) || buckets < 2 || (buckets & (buckets - 1)) !== 0) throw new UsageError(`--buckets must be a power of two, got ${buckets}`);
  const idf = inverseDocumentFrequency(examples.map((e) => e.prompt), buckets);
  const rows: SparseVector[] = examples.map((e) => lexicalVector(e.prompt, idf));
  const targets = Float64Array.from(examples, (e) => e.target);
  const n = examples.length;
  const { x } = minimizeLbfgs({
    x0: new Float64Array(buckets + 1),
    maxIterations: hyper.maxIterations,
    onIteration: options.onIteration,
    objective(w, grad) {
      grad.fill(0);
      const bias = w[buckets]!;
      let loss = 0;
      for (let r = 0; r < n; r++) {
        const { indices, values } = rows[r]!;
        let z = bias;
        for (let i = 0; i < indices.length; i++) z += w[indices[i]!]! * values[i]!;
        const y = targets[r]!;
        // log(1 + e^z) - y z, written to stay finite for large |z|.
        loss += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - y * z;
        const residual = (1 / (1 + Math.exp(-z)) - y) / n;
        for (let i = 0; i < indices.length; i++) grad[indices[i]!]! += residual * values[i]!;
        grad[buckets]! += residual;
      }
      loss /= n;
      let penalty = 0;
      for (let b = 0; b < buckets; b++) {
        penalty += w[b]! * w[b]!;
        grad[b]! += l2 * w[b]!;
      }
      return loss + (l2 / 2) * penalty;
    },
  });
  return { buckets, weights: Float32Array.from(x.subarray(0, buckets)), idf, bias: x[buckets]!, alignment: null };
}
