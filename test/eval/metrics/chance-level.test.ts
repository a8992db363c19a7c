import { describe, expect, it } from 'vitest';
import { chanceLevel, formatPValue, pAgainstChance, type ChanceLevel } from '../../../src/eval/metrics/chance-level.js';
import { curveMetrics } from '../../../src/eval/metrics/curve-metrics.js';
import { modelScore, type PairedScores } from '../../../src/eval/metrics/paired-scores.js';
import { routerCurve } from '../../../src/eval/metrics/router-curve.js';

/** n items: the strong model right on all, the weak one right on every third. */
function scores(n: number): PairedScores {
  return {
    strong: Float64Array.from({ length: n }, () => 1),
    weak: Float64Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0)),
    rowsPerItem: 1,
    scale: 100,
    optimalBudget: 'fractional',
  };
}

const apgrOf = (rates: ArrayLike<number>, s: PairedScores) =>
  curveMetrics(routerCurve(rates, s, 10), modelScore(s, 'weak'), modelScore(s, 'strong')).apgr;

describe('chance level of a benchmark', () => {
  it('centres on 0.5, spreads more on a small benchmark, and is the same for the same seed', async () => {
    const small = (await chanceLevel(scores(21), 10, 400))!;
    const large = (await chanceLevel(scores(2000), 10, 400))!;
    expect(Math.abs(large.mean - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(small.mean - 0.5)).toBeLessThan(0.03);
    expect(small.sd).toBeGreaterThan(3 * large.sd);
    expect((await chanceLevel(scores(21), 10, 400))!.apgrs).toEqual(small.apgrs);
    expect((await chanceLevel(scores(21), 10, 400, 7))!.apgrs).not.toEqual(small.apgrs);
    // Ascending, as pAgainstChance needs.
    for (let i = 1; i < small.apgrs.length; i += 1) expect(small.apgrs[i]).toBeGreaterThanOrEqual(small.apgrs[i - 1]!);
  });

  it('an oracle router sits beyond every draw; a router that ranks backwards below nearly all', async () => {
    const s = scores(300);
    const chance = (await chanceLevel(s, 10, 200))!;
    const gain = Float64Array.from(s.strong, (v, i) => v - s.weak[i]!);
    const oracle = apgrOf(Float64Array.from(gain, (g, i) => g + i * 1e-6), s);
    const backwards = apgrOf(Float64Array.from(gain, (g, i) => -g + i * 1e-6), s);
    expect(pAgainstChance(chance, oracle)).toBe(1 / 201);
    expect(pAgainstChance(chance, backwards)).toBeGreaterThan(0.99);
  });

  it('counts the draws at or above the APGR, plus one, over draws plus one', () => {
    const chance: ChanceLevel = { draws: 4, mean: 0.5, sd: 0.1, apgrs: Float64Array.from([0.3, 0.45, 0.5, 0.6]) };
    expect(pAgainstChance(chance, 0.5)).toBe(3 / 5); // 0.5 and 0.6, plus one
    expect(pAgainstChance(chance, 0.55)).toBe(2 / 5);
    expect(pAgainstChance(chance, 0.9)).toBe(1 / 5);
    expect(pAgainstChance(chance, 0.1)).toBe(5 / 5);
  });

  it('is undefined when the two models score the same (no gap to recover), and rejects a bad draw count', async () => {
    const tied: PairedScores = { ...scores(30), weak: Float64Array.from({ length: 30 }, () => 1) };
    expect(await chanceLevel(tied, 10, 10)).toBeUndefined();
    await expect(chanceLevel(scores(30), 10, 0)).rejects.toThrow('draws must be a positive integer, got 0');
    await expect(chanceLevel(scores(30), 10, 2.5)).rejects.toThrow(RangeError);
  });

  it('awaits the pause hook between draws, and stops when it throws', async () => {
    let pauses = 0;
    await chanceLevel(scores(2000), 10, 400, 0, async () => {
      pauses += 1;
    });
    // 2000 items x 11 thresholds: about 90 draws between pauses.
    expect(pauses).toBeGreaterThan(3);
    await expect(chanceLevel(scores(2000), 10, 400, 0, async () => {
      throw new Error('stop');
    })).rejects.toThrow('stop');
  });
});

describe('formatPValue', () => {
  it('prints the floor of the draws as a bound and anything above it to three places', () => {
    expect(formatPValue(1 / 2001, 2000)).toBe('<= 0.0005');
    expect(formatPValue(1 / 1001, 1000)).toBe('<= 0.001');
    expect(formatPValue(1 / 218, 217)).toBe('<= 0.005');
    expect(formatPValue(2 / 1001, 1000)).toBe('0.002');
    expect(formatPValue(0.86412, 1000)).toBe('0.864');
  });
});
