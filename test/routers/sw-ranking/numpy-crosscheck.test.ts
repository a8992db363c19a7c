import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildSwRankingModel, type Battle } from '../../../src/routers/sw-ranking/sw-ranking-model.js';

/** Made by test/fixtures/sw-ranking/make-numpy-crosscheck.py: a literal numpy transcription of RouteLLM's maths. */
const fixture = JSON.parse(readFileSync(new URL('../../fixtures/sw-ranking/numpy-crosscheck.json', import.meta.url), 'utf8')) as {
  battles: Array<Omit<Battle, 'promptIndex'>>;
  emb: number[];
  q: number[];
  dim: number;
  tiers: Record<string, number>;
  py: { ratings: Record<string, number>; tierRatings: Record<string, number>; win: number };
};

describe('sw_ranking against a numpy transcription of the Python', () => {
  it('gives the same model ratings, weighted tier ratings (same-tier battles included) and win rate', () => {
    const battles = fixture.battles.map((b, k) => ({ ...b, promptIndex: k }));
    const model = buildSwRankingModel(battles, Float32Array.from(fixture.emb), fixture.dim, {
      strongModel: 'm0',
      weakModel: 'm3',
      tiers: fixture.tiers,
    });
    for (const [name, rating] of model.modelRatings) expect(rating).toBeCloseTo(fixture.py.ratings[name]!, 3);
    const query = Float32Array.from(fixture.q);
    const tierRatings = model.tierRatings(query);
    for (const [tier, rating] of Object.entries(fixture.py.tierRatings)) expect(tierRatings[Number(tier)]!).toBeCloseTo(rating, 3);
    // Same-tier battles anchor the scale: the tier ratings do not average 1000.
    expect(Math.abs(tierRatings.reduce((s, r) => s + r, 0) / 3 - 1000)).toBeGreaterThan(1);
    expect(model.strongWinRate(query)).toBeCloseTo(fixture.py.win, 6);
  });
});
