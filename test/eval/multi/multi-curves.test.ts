import { describe, expect, it } from 'vitest';
import { aiq } from '../../../src/eval/multi/cost-quality.js';
import type { MultiBenchmark } from '../../../src/eval/multi/multi-benchmark.js';
import { curveOf, evaluationShares, oracleCurve, routerChoices, singleModelPoints } from '../../../src/eval/multi/multi-curves.js';

/** Four prompts over cheap (cost 1), mid (2), dear (10) models. */
function benchmark(): MultiBenchmark {
  // prompt 0: all right; 1: mid and dear; 2: dear only; 3: nobody.
  const scores = [1, 1, 1, 0, 1, 1, 0, 0, 1, 0, 0, 0];
  const costs = [1, 2, 10, 1, 2, 10, 1, 2, 10, 1, 2, 10];
  return {
    name: 'b',
    title: 'b.csv',
    prompts: ['p0', 'p1', 'p2', 'p3'],
    models: ['cheap', 'mid', 'dear'],
    scores: Float64Array.from(scores),
    costs: Float64Array.from(costs),
    scale: 100,
    costSources: ['column', 'column', 'column'],
    notes: [],
  };
}

describe('curves over a list of models', () => {
  it('places each model alone', () => {
    expect(singleModelPoints(benchmark())).toEqual([
      { cost: 1, quality: 0.25 },
      { cost: 2, quality: 0.5 },
      { cost: 10, quality: 0.75 },
    ]);
  });

  it('gives the oracle\'s frontier: its best point is the cheapest right answer per prompt', () => {
    const curve = oracleCurve(benchmark());
    const best = curve.reduce((a, b) => (b.quality > a.quality || (b.quality === a.quality && b.cost < a.cost) ? b : a));
    // cheap for p0, mid for p1, dear for p2, cheap for p3 (nobody is right: the cheapest).
    expect(best).toEqual({ cost: (1 + 2 + 10 + 1) / 4, quality: 0.75 });
    // Its cheapest point: every prompt to the cheap model.
    expect(curve.at(-1)).toEqual({ cost: 1, quality: 0.25 });
    expect(aiq(curve, 1, 10)).toBeGreaterThan(aiq(singleModelPoints(benchmark()), 1, 10));
  });

  it('evaluates a router at log-spaced cost shares, and a router that knows the answers lands on the oracle', () => {
    expect(evaluationShares(2)).toEqual([1, 0.1, 0.01, 0]);
    const b = benchmark();
    // Predicted quality = the truth.
    const choices = routerChoices(b.scores, 3, [1, 2, 10], 2, evaluationShares(10));
    const points = curveOf(b, choices);
    expect(points[0]!.knob).toBe(0);
    expect(points.at(-1)!.knob).toBe(Number.POSITIVE_INFINITY);
    expect(points.at(-1)!.calls).toEqual([4, 0, 0]);
    expect(Math.max(...points.map((q) => q.quality))).toBe(0.75);
    // The best point costs what the oracle pays, save p3 (no model right: the rule keeps the reference at t = 0).
    expect(points.map((q) => q.cost)).toContain((1 + 2 + 10 + 1) / 4);
    // Shuffled (each prompt given another's scores), the same router does worse.
    const shuffled = curveOf(b, choices, Int32Array.of(3, 2, 1, 0));
    expect(aiq(shuffled, 1, 10)).toBeLessThan(aiq(points, 1, 10));
  });
});
