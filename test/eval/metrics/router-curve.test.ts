import { describe, expect, it } from 'vitest';
import { curveMetrics } from '../../../src/eval/metrics/curve-metrics.js';
import { optimalCurve } from '../../../src/eval/metrics/optimal-curve.js';
import { modelScore, type PairedScores } from '../../../src/eval/metrics/paired-scores.js';
import { qcutEdges } from '../../../src/eval/metrics/qcut-edges.js';
import { averageCurves, routerCurve } from '../../../src/eval/metrics/router-curve.js';
import { trapezoid } from '../../../src/eval/metrics/trapezoid.js';

const correctness = (strong: number[], weak: number[]): PairedScores => ({
  strong: Float64Array.from(strong),
  weak: Float64Array.from(weak),
  rowsPerItem: 1,
  scale: 100,
  optimalBudget: 'fractional',
});

// Four items: the strong model gains on the first two (weak wrong), both right on the last two.
const FOUR = correctness([1, 1, 1, 1], [0, 0, 1, 1]);

describe('qcutEdges', () => {
  it('returns the quantile edges, linear between order statistics', () => {
    expect(qcutEdges([0.4, 0.1, 0.3, 0.2], 2)).toEqual([0.1, 0.25, 0.4]);
  });

  it('drops repeated edges as duplicates="drop" does', () => {
    // quantiles at 0, .25, .5, .75, 1 of [.5, .5, .5, .9]: .5, .5, .5, .6, .9
    const edges = qcutEdges([0.5, 0.9, 0.5, 0.5], 4);
    expect(edges).toHaveLength(3);
    expect(edges[0]).toBe(0.5);
    expect(edges[1]).toBeCloseTo(0.6, 12);
    expect(edges[2]).toBe(0.9);
  });

  it('keeps a lone pair of equal edges, as pandas does', () => {
    expect(qcutEdges([0.3, 0.3], 1)).toEqual([0.3, 0.3]);
  });
});

describe('router curve and metrics (computed by hand)', () => {
  it('a perfect router: gains ranked first', () => {
    const points = routerCurve([0.8, 0.6, 0.4, 0.2], FOUR, 2);
    // Edges 0.2, 0.5, 0.8; Python's last uses ">" so nothing goes strong there: reported as
    // the next double above 0.8, so that every point follows rate >= threshold.
    expect(points).toEqual([
      { threshold: 0.2, strongPct: 100, score: 100 },
      { threshold: 0.5, strongPct: 50, score: 100 },
      { threshold: 0.8 + 2 ** -53, strongPct: 0, score: 50 },
    ]);
    const metrics = curveMetrics(points, 50, 100);
    // AUC = .5 * (50 + 100) / 2 + .5 * (100 + 100) / 2 = 87.5; APGR = (87.5 - 50) / (100 - 50).
    expect(metrics.auc).toBeCloseTo(87.5, 12);
    expect(metrics.apgr).toBeCloseTo(0.75, 12);
    expect(metrics.cpt20).toBeCloseTo(10, 12);
    expect(metrics.cpt50).toBeCloseTo(25, 12);
    expect(metrics.cpt80).toBeCloseTo(40, 12);
  });

  it('a useless router: gains ranked last', () => {
    const points = routerCurve([0.2, 0.4, 0.6, 0.8], FOUR, 2);
    expect(points.map((point) => [point.strongPct, point.score])).toEqual([
      [100, 100],
      [50, 50],
      [0, 50],
    ]);
    const metrics = curveMetrics(points, 50, 100);
    // AUC = .5 * 50 + .5 * (50 + 100) / 2 = 62.5 -> APGR 0.25; the curve leaves the weak line only past 50%.
    expect(metrics.auc).toBeCloseTo(62.5, 12);
    expect(metrics.apgr).toBeCloseTo(0.25, 12);
    expect(metrics.cpt20).toBeCloseTo(60, 12);
    expect(metrics.cpt50).toBeCloseTo(75, 12);
    expect(metrics.cpt80).toBeCloseTo(90, 12);
  });

  it('a three-item case', () => {
    // Strong right on all three, weak only on the second.
    const scores = correctness([1, 1, 1], [0, 1, 0]);
    const points = routerCurve([0.9, 0.5, 0.1], scores, 2);
    expect(points.map((point) => point.threshold)).toEqual([0.1, 0.5, 0.9 + 2 ** -53]);
    // Python: model_counts / total * 100.
    expect(points.map((point) => point.strongPct)).toEqual([100, (2 / 3) * 100, 0]);
    expect(points[1]?.score).toBeCloseTo(200 / 3, 12);
    const weak = modelScore(scores, 'weak');
    const strong = modelScore(scores, 'strong');
    expect(weak).toBeCloseTo(100 / 3, 12);
    expect(strong).toBe(100);
    const metrics = curveMetrics(points, weak, strong);
    // AUC = 2/3 * (100/3 + 200/3) / 2 + 1/3 * (200/3 + 100) / 2 = 100/3 + 250/9 = 550/9.
    expect(metrics.auc).toBeCloseTo(550 / 9, 10);
    // APGR = (550/9 - 100/3) / (200/3) = 5/12.
    expect(metrics.apgr).toBeCloseTo(5 / 12, 12);
    expect(metrics.cpt20).toBeCloseTo(80 / 3, 10);
    expect(metrics.cpt50).toBeCloseTo(200 / 3, 10);
    expect(metrics.cpt80).toBeCloseTo(260 / 3, 10);
  });

  it('constant win rates: 100% strong at the rate, 0% above it; a straight line, APGR 0.5', () => {
    for (const rate of [0.3, 1, 0]) {
      const points = routerCurve([rate, rate, rate, rate], FOUR, 10);
      expect(points).toEqual([
        { threshold: rate, strongPct: 100, score: 100 },
        { threshold: expect.any(Number), strongPct: 0, score: 50 },
      ]);
      expect(points[1]!.threshold).toBeGreaterThan(rate);
      const metrics = curveMetrics(points, 50, 100);
      expect(metrics.auc).toBeCloseTo(75, 12);
      expect(metrics.apgr).toBeCloseTo(0.5, 12);
      expect([metrics.cpt20, metrics.cpt50, metrics.cpt80].map((v) => +v.toFixed(9))).toEqual([20, 50, 80]);
    }
  });

  it('two win-rate values (a judge without logprobs): every point follows rate >= threshold', () => {
    // The perfect 0/1 judge: the two gains at 1, the rest at 0.
    const points = routerCurve([1, 1, 0, 0], FOUR, 10);
    expect(points.map((point) => [point.strongPct, point.score])).toEqual([
      [100, 100],
      [50, 100],
      [0, 50],
    ]);
    const rates = [1, 1, 0, 0];
    for (const point of points) expect(rates.filter((rate) => rate >= point.threshold).length * 25).toBe(point.strongPct);
    expect(curveMetrics(points, 50, 100).apgr).toBeCloseTo(0.75, 12);
  });

  it('tied edges: one point per distinct strong set', () => {
    // Edges of [.5, .5, .5, .9] in 4 bins: .5, .6, .9 (.6 and .9 send the same item strong).
    const points = routerCurve([0.5, 0.9, 0.5, 0.5], FOUR, 4);
    expect(points.map((point) => point.strongPct)).toEqual([100, 25, 0]);
    expect(points[1]?.threshold).toBeCloseTo(0.6, 12);
  });

  it('averages seeded curves point by point', () => {
    const a = [{ threshold: 0, strongPct: 100, score: 10 }, { threshold: 1, strongPct: 0, score: 2 }];
    const b = [{ threshold: 0.2, strongPct: 90, score: 8 }, { threshold: 1, strongPct: 0, score: 4 }];
    expect(averageCurves([a, b])).toEqual([
      { threshold: 0.1, strongPct: 95, score: 9 },
      { threshold: 1, strongPct: 0, score: 3 },
    ]);
  });

  it('trapezoid follows numpy.trapz', () => {
    expect(trapezoid([1, 3, 2], [0, 0.5, 1])).toBeCloseTo(0.5 * 2 + 0.5 * 2.5, 12);
    expect(trapezoid([5], [0])).toBe(0);
  });
});

describe('optimalCurve', () => {
  it('correctness: min(total * share, gains) extra right answers', () => {
    const curve = optimalCurve(FOUR);
    expect(curve).toHaveLength(11);
    expect(curve[0]).toEqual({ strongPct: 0, score: 50 });
    // 10%: 0.4 of a call -> (2 + 0.4) / 4.
    expect(curve[1]?.score).toBeCloseTo(60, 12);
    expect(curve[5]).toEqual({ strongPct: 50, score: 100 });
    expect(curve[10]).toEqual({ strongPct: 100, score: 100 });
  });

  it('graded scores: int(n * share) calls to the largest positive gains, per-item means', () => {
    // Two turns per item: means strong [9, 7, 8], weak [5, 8, 7] -> gains 4, -1, 1.
    const scores: PairedScores = {
      strong: Float64Array.from([18, 14, 16]),
      weak: Float64Array.from([10, 16, 14]),
      rowsPerItem: 2,
      scale: 1,
      optimalBudget: 'whole',
    };
    const curve = optimalCurve(scores);
    expect(curve[0]?.score).toBeCloseTo(20 / 3, 12);
    // 30%: int(0.9) = 0 calls.
    expect(curve[3]?.score).toBeCloseTo(20 / 3, 12);
    // 40%: int(1.2) = 1 call to the gain of 4.
    expect(curve[4]?.score).toBeCloseTo(24 / 3, 12);
    // 70%: 2 calls; 100%: 3 calls but the third gain is negative, so never taken.
    expect(curve[7]?.score).toBeCloseTo(25 / 3, 12);
    expect(curve[10]?.score).toBeCloseTo(25 / 3, 12);
  });
});
