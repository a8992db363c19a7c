import { RouterError } from '../../core/index.js';
import { computeTiers } from './compute-tiers.js';
import { battleDesign, eloMleWithTie, type BattleDesign } from './elo-mle.js';

/** How a battle ended, in the Arena's (and RouteLLM's) words. */
export type BattleWinner = 'model_a' | 'model_b' | 'tie' | 'tie (bothbad)';

/** One pairwise comparison; `promptIndex` is its row of the embedding matrix. */
export interface Battle {
  readonly model_a: string;
  readonly model_b: string;
  readonly winner: BattleWinner;
  readonly promptIndex: number;
}

/** The Python defaults: the pair RouteLLM's routers were built for. */
export const DEFAULT_STRONG_MODEL = 'gpt-4-1106-preview';
export const DEFAULT_WEAK_MODEL = 'mixtral-8x7b-instruct-v0.1';
export const DEFAULT_NUM_TIERS = 10;

/**
 * P(A beats B) from two Elo ratings, as RouteLLM's SWRankingRouter computes the strong model's
 * win rate: one minus the weak model's, written as the Python writes it so the floats agree.
 */
export function eloWinRate(ratingA: number, ratingB: number): number {
  return 1 - 1 / (1 + 10 ** ((ratingA - ratingB) / 400));
}

/** Everything one decision needs, prepared once. */
export interface SwRankingModel {
  /** Model name -> tier (0 = best). */
  readonly tiers: ReadonlyMap<string, number>;
  /** Unweighted ratings of every model, best first (the input of the tiering). */
  readonly modelRatings: ReadonlyArray<readonly [string, number]>;
  readonly strongTier: number;
  readonly weakTier: number;
  readonly dim: number;
  readonly battles: number;
  readonly prompts: number;
  /** Cosine-similarity weights 10 * 10^(sim / max_sim) of every battle for a prompt embedding. */
  weights(embedding: Float32Array): Float64Array;
  /** Weighted Elo of every tier for a prompt embedding. */
  tierRatings(embedding: Float32Array): Float64Array;
  /** The strong model's win rate for a prompt embedding, as RouteLLM's SWRankingRouter computes it. */
  strongWinRate(embedding: Float32Array): number;
}

/** 2 for an A win, 1 for a tie, 0 for a B win: the count of A wins over the Python's duplicated rows. */
export function aWinsOf(winner: BattleWinner): number {
  return winner === 'model_a' ? 2 : winner === 'model_b' ? 0 : 1;
}

/**
 * RouteLLM's similarity-weighted ranking: unweighted Bradley-Terry ratings of the models group
 * them into tiers (`computeTiers`); each prompt then weighs every battle by the cosine similarity
 * of its prompt's embedding to the new prompt, refits the tier ratings on the weighted battles
 * and turns the strong and weak tiers' rating gap into a win rate.
 *
 * @param embeddings row-major `prompts x dim` matrix; battles point into it by promptIndex
 * @param options.tiers an explicit model -> tier mapping instead of computed tiers
 */
export function buildSwRankingModel(
  battles: readonly Battle[],
  embeddings: Float32Array,
  dim: number,
  options: { strongModel?: string; weakModel?: string; numTiers?: number; tiers?: Readonly<Record<string, number>> } = {},
): SwRankingModel {
  const strongModel = options.strongModel ?? DEFAULT_STRONG_MODEL;
  const weakModel = options.weakModel ?? DEFAULT_WEAK_MODEL;
  const numTiers = options.numTiers ?? DEFAULT_NUM_TIERS;
  if (battles.length === 0) throw new RouterError('sw_ranking needs at least one battle');
  if (!Number.isInteger(dim) || dim <= 0 || embeddings.length % dim !== 0) {
    throw new RouterError(`sw_ranking: an embedding matrix of ${embeddings.length} values is not a whole number of ${dim}-d rows`);
  }
  const prompts = embeddings.length / dim;

  // Model ids in pandas' `concat([model_a, model_b]).unique()` order.
  const modelIds = new Map<string, number>();
  for (const b of battles) if (!modelIds.has(b.model_a)) modelIds.set(b.model_a, modelIds.size);
  for (const b of battles) if (!modelIds.has(b.model_b)) modelIds.set(b.model_b, modelIds.size);
  const names = [...modelIds.keys()];

  const n = battles.length;
  const promptOf = new Int32Array(n);
  const aWins = new Uint8Array(n);
  const modelA = new Int32Array(n);
  const modelB = new Int32Array(n);
  battles.forEach((b, k) => {
    if (!Number.isInteger(b.promptIndex) || b.promptIndex < 0 || b.promptIndex >= prompts) {
      throw new RouterError(`sw_ranking: battle ${k} points at embedding row ${b.promptIndex}, but there are ${prompts} rows`);
    }
    promptOf[k] = b.promptIndex;
    aWins[k] = aWinsOf(b.winner);
    modelA[k] = modelIds.get(b.model_a)!;
    modelB[k] = modelIds.get(b.model_b)!;
  });

  const ratings = eloMleWithTie(battleDesign({ playerA: modelA, playerB: modelB, aWins }, names.length));
  // The Python anchors llama-2-70b-chat at 1082 when present; a shift that changes no tier.
  const anchor = modelIds.get('llama-2-70b-chat');
  const shift = anchor === undefined ? 0 : 1082 - ratings[anchor]!;
  const modelRatings = names
    .map((name, i) => [name, ratings[i]! + shift] as const)
    .sort((x, y) => y[1] - x[1]);

  let tiers: Map<string, number>;
  if (options.tiers) {
    tiers = new Map(Object.entries(options.tiers));
    for (const name of names) {
      if (!tiers.has(name)) throw new RouterError(`sw_ranking: the tier mapping has no tier for model "${name}" of the battles`);
    }
    for (const [name, tier] of tiers) {
      if (!Number.isInteger(tier) || tier < 0 || tier > 1000) throw new RouterError(`sw_ranking: tier of "${name}" must be an integer in [0, 1000]`);
    }
  } else {
    tiers = computeTiers(modelRatings, numTiers);
  }
  const tierOf = (name: string, role: string): number => {
    const tier = tiers.get(name);
    if (tier === undefined) {
      throw new RouterError(`sw_ranking: ${role} model "${name}" is not in the battles; models: ${names.join(', ')}`);
    }
    return tier;
  };
  const strongTier = tierOf(strongModel, 'strong');
  const weakTier = tierOf(weakModel, 'weak');
  const players = Math.max(...tiers.values()) + 1;
  const tierA = modelA.map((id) => tiers.get(names[id]!)!);
  const tierB = modelB.map((id) => tiers.get(names[id]!)!);
  const design: BattleDesign = battleDesign({ playerA: tierA, playerB: tierB, aWins }, players);

  // Rows scaled to unit length once, so a decision is one matrix-vector product.
  const unit = new Float32Array(embeddings.length);
  for (let row = 0; row < prompts; row++) {
    const base = row * dim;
    let squares = 0;
    for (let j = 0; j < dim; j++) squares += embeddings[base + j]! * embeddings[base + j]!;
    // A zero row has no direction: similarity 0 (the Python would produce NaN and fail).
    const inverse = squares > 0 ? 1 / Math.sqrt(squares) : 0;
    for (let j = 0; j < dim; j++) unit[base + j] = embeddings[base + j]! * inverse;
  }
  const promptSims = new Float64Array(prompts);

  function weights(embedding: Float32Array): Float64Array {
    if (embedding.length !== dim) {
      throw new RouterError(`sw_ranking: the embedder gave a ${embedding.length}-d vector but the battles' embeddings are ${dim}-d`);
    }
    let squares = 0;
    for (let j = 0; j < dim; j++) squares += embedding[j]! * embedding[j]!;
    const inverse = squares > 0 ? 1 / Math.sqrt(squares) : 0;
    let maxSim = Number.NEGATIVE_INFINITY;
    for (let row = 0; row < prompts; row++) {
      const base = row * dim;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let j = 0;
      for (; j + 3 < dim; j += 4) {
        s0 += unit[base + j]! * embedding[j]!;
        s1 += unit[base + j + 1]! * embedding[j + 1]!;
        s2 += unit[base + j + 2]! * embedding[j + 2]!;
        s3 += unit[base + j + 3]! * embedding[j + 3]!;
      }
      for (; j < dim; j++) s0 += unit[base + j]! * embedding[j]!;
      const sim = (s0 + s1 + s2 + s3) * inverse;
      promptSims[row] = sim;
      if (sim > maxSim) maxSim = sim;
    }
    // 10 * 10^(sim / max_sim). A max of 0 (a zero prompt vector) would divide by zero: weigh all alike.
    const scale = maxSim !== 0 && Number.isFinite(maxSim) ? Math.LN10 / maxSim : 0;
    const out = new Float64Array(n);
    for (let k = 0; k < n; k++) out[k] = 10 * Math.exp(promptSims[promptOf[k]!]! * scale);
    return out;
  }

  function tierRatings(embedding: Float32Array): Float64Array {
    return eloMleWithTie(design, weights(embedding));
  }

  return {
    tiers,
    modelRatings,
    strongTier,
    weakTier,
    dim,
    battles: n,
    prompts,
    weights,
    tierRatings,
    strongWinRate(embedding) {
      const rated = tierRatings(embedding);
      return eloWinRate(rated[strongTier]!, rated[weakTier]!);
    },
  };
}
