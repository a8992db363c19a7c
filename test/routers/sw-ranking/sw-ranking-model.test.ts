import { describe, expect, it } from 'vitest';
import { RouterError } from '../../../src/core/index.js';
import { buildSwRankingModel, type Battle } from '../../../src/routers/sw-ranking/sw-ranking-model.js';

const S = 'gpt-4-1106-preview';
const W = 'mixtral-8x7b-instruct-v0.1';

/** Prompt 0 lies along x (scaled by 3: only the direction counts), prompt 1 along y. */
const embeddings = Float32Array.from([3, 0, 0, 1]);
const battles: Battle[] = [
  { model_a: S, model_b: W, winner: 'model_a', promptIndex: 0 },
  { model_a: S, model_b: W, winner: 'model_b', promptIndex: 1 },
];

describe('buildSwRankingModel (RouteLLM SWRankingRouter)', () => {
  it('weighs battles 10 * 10^(sim / max_sim) by cosine similarity', () => {
    const model = buildSwRankingModel(battles, embeddings, 2);
    const weights = model.weights(Float32Array.from([0.6, 0.8]));
    // sims 0.6 and 0.8, max 0.8
    expect(weights[0]!).toBeCloseTo(10 * 10 ** 0.75, 4);
    expect(weights[1]!).toBeCloseTo(100, 4);
    const far = model.weights(Float32Array.from([2, 0])); // sims 1 and 0
    expect([...far].map((w) => Number(w.toFixed(6)))).toEqual([100, 10]);
  });

  it('turns the weighted tier ratings into the strong win rate: weights 100 vs 10 give 10/11', () => {
    const model = buildSwRankingModel(battles, embeddings, 2);
    // The strong model's win weighs 100, its loss 10: P = 200/220, a gap of exactly 400 Elo.
    const ratings = model.tierRatings(Float32Array.from([1, 0]));
    expect(ratings[model.strongTier]! - ratings[model.weakTier]!).toBeCloseTo(400, 4);
    expect(model.strongWinRate(Float32Array.from([1, 0]))).toBeCloseTo(10 / 11, 6);
    expect(model.strongWinRate(Float32Array.from([0, 1]))).toBeCloseTo(1 / 11, 6);
    // Equidistant prompts weigh both battles alike: an even match.
    expect(model.strongWinRate(Float32Array.from([1, 1]))).toBeCloseTo(0.5, 6);
  });

  it('shares one embedding row between battles of the same prompt', () => {
    const shared: Battle[] = [
      ...battles,
      { model_a: W, model_b: S, winner: 'model_b', promptIndex: 0 },
      { model_a: S, model_b: W, winner: 'tie', promptIndex: 1 },
    ];
    const model = buildSwRankingModel(shared, embeddings, 2);
    // Query along x: S wins twice at weight 100; at weight 10, one loss and one tie.
    // A wins over duplicated rows: 4*100 + 0 + 1*10 of 4*100 + 4*10 -> P = 410/440.
    const gap = 400 * Math.log10(410 / 30);
    const expected = 1 - 1 / (1 + 10 ** (gap / 400));
    expect(model.strongWinRate(Float32Array.from([1, 0]))).toBeCloseTo(expected, 6);
    expect(model.prompts).toBe(2);
    expect(model.battles).toBe(4);
  });

  it('groups models into tiers by unweighted rating; two models of one tier are an even match', () => {
    const mid = 'claude-2';
    const three: Battle[] = [
      { model_a: S, model_b: W, winner: 'model_a', promptIndex: 0 },
      { model_a: S, model_b: W, winner: 'model_a', promptIndex: 1 },
      { model_a: S, model_b: W, winner: 'model_b', promptIndex: 0 },
      { model_a: mid, model_b: W, winner: 'model_a', promptIndex: 0 },
      { model_a: mid, model_b: W, winner: 'model_a', promptIndex: 1 },
      { model_a: mid, model_b: W, winner: 'model_b', promptIndex: 1 },
      { model_a: S, model_b: mid, winner: 'tie', promptIndex: 1 },
    ];
    const tiered = buildSwRankingModel(three, embeddings, 2, { numTiers: 2 });
    expect(Object.fromEntries(tiered.tiers)).toEqual({ [S]: 0, [mid]: 0, [W]: 1 });
    expect(tiered.modelRatings.map(([name]) => name).at(-1)).toBe(W);
    const evenMatch = buildSwRankingModel(three, embeddings, 2, { numTiers: 2, weakModel: mid });
    expect(evenMatch.strongWinRate(Float32Array.from([1, 0]))).toBe(0.5);
    // An explicit mapping replaces the computed tiers.
    const explicit = buildSwRankingModel(three, embeddings, 2, { tiers: { [S]: 0, [mid]: 1, [W]: 2 }, weakModel: mid });
    expect(explicit.strongTier).toBe(0);
    expect(explicit.weakTier).toBe(1);
  });

  it('names what is wrong: unknown models, bad rows, wrong dimensions', () => {
    expect(() => buildSwRankingModel(battles, embeddings, 2, { strongModel: 'gpt-5' })).toThrow(
      new RouterError(`sw_ranking: strong model "gpt-5" is not in the battles; models: ${S}, ${W}`),
    );
    expect(() => buildSwRankingModel(battles, embeddings, 3)).toThrow('not a whole number of 3-d rows');
    expect(() => buildSwRankingModel([{ ...battles[0]!, promptIndex: 2 }], embeddings, 2)).toThrow(
      'battle 0 points at embedding row 2, but there are 2 rows',
    );
    expect(() => buildSwRankingModel(battles, embeddings, 2, { tiers: { [S]: 0 } })).toThrow(`no tier for model "${W}"`);
    const model = buildSwRankingModel(battles, embeddings, 2);
    expect(() => model.strongWinRate(new Float32Array(3))).toThrow('the embedder gave a 3-d vector but the battles\' embeddings are 2-d');
  });
});
