import { UsageError } from '../core/index.js';
import type { MfModel } from '../routers/mf/mf-model.js';
import { seededRandom } from './seeded-random.js';

/**
 * A battle over indexed prompts and models; target 1 = a wins, 0 = b wins, 0.5 = tie. With `b`
 * = -1 it is a success cell instead: target = model a's score on the prompt (0-1), learned as
 * sigmoid(bias[a] + score(a)) (see trainMf's `success`).
 */
export interface IndexedBattle {
  readonly prompt: number;
  readonly a: number;
  readonly b: number;
  readonly target: number;
}

/** Hyper-parameters of mf training (RouteLLM's defaults where it has them). */
export interface MfTrainOptions {
  /** Latent dimension d (RouteLLM: 128). */
  readonly dim: number;
  readonly epochs: number;
  /** Adam learning rate (RouteLLM: 3e-4 over 100 epochs of a much larger set). */
  readonly learningRate: number;
  /** L2 penalty added to the gradient, as torch's Adam weight_decay (RouteLLM: 1e-5). */
  readonly weightDecay: number;
  readonly batchSize: number;
  /** Gaussian noise on prompt embeddings during training (RouteLLM's alpha). */
  readonly noise: number;
  readonly seed: number;
}

/** Defaults chosen by cross-validation on the training data only (see datasets/mf/MODEL_CARD.md). */
export const DEFAULT_MF_TRAIN_OPTIONS: MfTrainOptions = {
  dim: 16,
  epochs: 40,
  learningRate: 3e-3,
  weightDecay: 1e-4,
  batchSize: 64,
  noise: 0,
  seed: 42,
};

/**
 * Trains RouteLLM's mf model on battles with minibatch Adam and the logistic loss of
 * sigmoid(score(a) - score(b)) against the target (ties count as 0.5, where RouteLLM drops
 * them). Embeddings are fixed (`prompts x textDim`, row-major). Deterministic for a seed:
 * initialisation, shuffling and noise all come from one seeded PRNG, and arithmetic is in a
 * fixed order. `onEpoch` sees the mean training loss.
 *
 * Success cells (`b` = -1) train the same model over many models at once: each model's chance of
 * a good answer is sigmoid(bias[m] + score(m)), one bias per model learned beside P; the result
 * then carries `bias`. Battles leave the bias at zero and out of the result.
 */
export function trainMf(options: {
  embeddings: Float32Array;
  textDim: number;
  modelNames: readonly string[];
  battles: readonly IndexedBattle[];
  hyper?: Partial<MfTrainOptions>;
  onEpoch?: (epoch: number, loss: number) => void;
}): MfModel {
  const hyper = { ...DEFAULT_MF_TRAIN_OPTIONS, ...options.hyper };
  const { embeddings, textDim, modelNames, battles } = options;
  const { dim } = hyper;
  const M = modelNames.length;
  if (battles.length === 0) throw new UsageError('mf training needs at least one battle');
  if (embeddings.length % textDim !== 0) throw new UsageError('embedding matrix does not match text dimension');
  const rng = seededRandom(hyper.seed);

  // Parameters, initialised as torch does: Embedding ~ N(0, 1); Linear ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
  const P = new Float64Array(M * dim).map(() => rng.normal());
  const boundA = 1 / Math.sqrt(textDim);
  const A = new Float64Array(dim * textDim).map(() => (rng.next() * 2 - 1) * boundA);
  const boundC = 1 / Math.sqrt(dim);
  const c = new Float64Array(dim).map(() => (rng.next() * 2 - 1) * boundC);
  const success = battles.some((b) => b.b < 0);
  const bias = new Float64Array(success ? M : 0);
  const params = success ? [P, A, c, bias] : [P, A, c];
  const grads = params.map((p) => new Float64Array(p.length));
  const m1 = params.map((p) => new Float64Array(p.length));
  const m2 = params.map((p) => new Float64Array(p.length));
  const [gP, gA, gc] = grads as [Float64Array, Float64Array, Float64Array];
  const gBias = grads[3];
  const beta1 = 0.9;
  const beta2 = 0.999;
  let step = 0;

  const order = battles.map((_, i) => i);
  const x = new Float64Array(textDim);
  const h = new Float64Array(dim);
  const pa = new Float64Array(dim);
  const pb = new Float64Array(dim);
  const dh = new Float64Array(dim);
  const dpa = new Float64Array(dim);
  const dpb = new Float64Array(dim);

  const unit = (row: number, out: Float64Array): number => {
    let norm = 0;
    for (let k = 0; k < dim; k++) norm += P[row * dim + k]! ** 2;
    norm = Math.max(Math.sqrt(norm), 1e-12);
    for (let k = 0; k < dim; k++) out[k] = P[row * dim + k]! / norm;
    return norm;
  };
  // d(p/|p|)/dp applied to an upstream gradient g: (g - p̂ (p̂·g)) / |p|.
  const backNormalise = (row: number, unitVec: Float64Array, norm: number, g: Float64Array) => {
    let dot = 0;
    for (let k = 0; k < dim; k++) dot += unitVec[k]! * g[k]!;
    for (let k = 0; k < dim; k++) gP[row * dim + k]! += (g[k]! - unitVec[k]! * dot) / norm;
  };

  for (let epoch = 1; epoch <= hyper.epochs; epoch++) {
    rng.shuffle(order);
    let lossSum = 0;
    for (let start = 0; start < order.length; start += hyper.batchSize) {
      const batch = order.slice(start, start + hyper.batchSize);
      for (const g of grads) g.fill(0);
      for (const index of batch) {
        const battle = battles[index]!;
        const base = battle.prompt * textDim;
        for (let j = 0; j < textDim; j++) x[j] = embeddings[base + j]! + (hyper.noise > 0 ? rng.normal() * hyper.noise : 0);
        for (let k = 0; k < dim; k++) {
          let sum = 0;
          const row = k * textDim;
          for (let j = 0; j < textDim; j++) sum += A[row + j]! * x[j]!;
          h[k] = sum;
        }
        const na = unit(battle.a, pa);
        const cell = battle.b < 0;
        let nb = 0;
        if (cell) pb.fill(0);
        else nb = unit(battle.b, pb);
        let z = cell ? bias[battle.a]! : 0;
        for (let k = 0; k < dim; k++) z += c[k]! * (pa[k]! - pb[k]!) * h[k]!;
        const p = 1 / (1 + Math.exp(-z));
        const y = battle.target;
        lossSum += -(y * Math.log(p + 1e-12) + (1 - y) * Math.log(1 - p + 1e-12));
        const g = (p - y) / batch.length;
        for (let k = 0; k < dim; k++) {
          const u = pa[k]! - pb[k]!;
          gc[k]! += g * u * h[k]!;
          dh[k] = g * c[k]! * u;
          dpa[k] = g * c[k]! * h[k]!;
          dpb[k] = -dpa[k]!;
        }
        for (let k = 0; k < dim; k++) {
          const d = dh[k]!;
          if (d === 0) continue;
          const row = k * textDim;
          for (let j = 0; j < textDim; j++) gA[row + j]! += d * x[j]!;
        }
        backNormalise(battle.a, pa, na, dpa);
        if (cell) gBias![battle.a]! += g;
        else backNormalise(battle.b, pb, nb, dpb);
      }
      step++;
      const correction1 = 1 - beta1 ** step;
      const correction2 = 1 - beta2 ** step;
      params.forEach((param, t) => {
        const grad = grads[t]!;
        const first = m1[t]!;
        const second = m2[t]!;
        for (let i = 0; i < param.length; i++) {
          const gi = grad[i]! + hyper.weightDecay * param[i]!;
          first[i] = beta1 * first[i]! + (1 - beta1) * gi;
          second[i] = beta2 * second[i]! + (1 - beta2) * gi * gi;
          param[i]! -= (hyper.learningRate * (first[i]! / correction1)) / (Math.sqrt(second[i]! / correction2) + 1e-8);
        }
      });
    }
    options.onEpoch?.(epoch, lossSum / battles.length);
  }
  return {
    modelNames: [...modelNames],
    dim,
    textDim,
    P: Float32Array.from(P),
    textProj: Float32Array.from(A),
    classifier: Float32Array.from(c),
    ...(success ? { bias: Float32Array.from(bias) } : {}),
  };
}
