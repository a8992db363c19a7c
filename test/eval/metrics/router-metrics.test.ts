import { describe, expect, it } from 'vitest';
import { routerMetrics } from '../../../src/eval/metrics/router-metrics.js';

// 20 items: the strong model gets all right, the weak one the first 10.
const strong = Array.from({ length: 20 }, () => 1);
const weak = Array.from({ length: 20 }, (_, i) => (i < 10 ? 1 : 0));

describe('routerMetrics (the public APGR/CPT of routellm eval)', () => {
  it('gives a constant router APGR 0.5: its curve is the straight line a coin would trace', () => {
    const metrics = routerMetrics(new Array(20).fill(0.5), { strong, weak });
    expect(metrics.apgr).toBeCloseTo(0.5, 10);
    expect(metrics.weakScore).toBe(0.5);
    expect(metrics.strongScore).toBe(1);
    expect(metrics.curve.map((point) => point.strongPct)).toEqual([100, 0]);
  });

  it('ranks a router that knows which items need the strong model far above chance, with low CPTs', () => {
    const knowing = weak.map((right) => (right ? 0.1 : 0.9));
    const metrics = routerMetrics(knowing, { strong, weak });
    expect(metrics.apgr).toBeGreaterThan(0.7);
    expect(metrics.cpt50).toBeLessThan(50);
    expect(metrics.cpt80).toBeLessThanOrEqual(50);
    const backwards = routerMetrics(knowing.map((rate) => 1 - rate), { strong, weak });
    expect(backwards.apgr).toBeLessThan(0.3);
  });

  it('refuses scores of two lengths', () => {
    expect(() => routerMetrics([0.1], { strong: [1, 1], weak: [0] })).toThrow('2 strong scores for 1 weak ones');
  });
});
