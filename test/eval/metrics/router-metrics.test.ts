import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/index.js';
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
  it('names a win rate that is not a number in [0, 1] (a NaN from a scorer is not an AUC of 0)', () => {
    expect(() => routerMetrics([Number.NaN, 0.5], { strong: [1, 1], weak: [0, 1] })).toThrow(UsageError);
    expect(() => routerMetrics([Number.NaN, 0.5], { strong: [1, 1], weak: [0, 1] })).toThrow('winRates[0] is NaN; win rates must be numbers in [0, 1]');
    expect(() => routerMetrics([0.5, 1.5], { strong: [1, 1], weak: [0, 1] })).toThrow('winRates[1] is 1.5; win rates must be numbers in [0, 1]');
    expect(() => routerMetrics([0.5, '0.2' as unknown as number], { strong: [1, 1], weak: [0, 1] })).toThrow('winRates[1] is "0.2"; win rates must be numbers in [0, 1]');
  });

  it('names a score that is not a finite number', () => {
    expect(() => routerMetrics([0.1, 0.9], { strong: [1, Number.NaN], weak: [0, 1] })).toThrow('scores.strong[1] is NaN; scores must be finite numbers');
    expect(() => routerMetrics([0.1, 0.9], { strong: [1, 1], weak: [undefined as unknown as number, 1] })).toThrow('scores.weak[0] is undefined; scores must be finite numbers');
  });

  it('refuses no items, and lengths that disagree, as usage errors in its own words', () => {
    expect(() => routerMetrics([], { strong: [], weak: [] })).toThrow(UsageError);
    expect(() => routerMetrics([], { strong: [], weak: [] })).toThrow(/^no items to evaluate/);
    expect(() => routerMetrics([0.1, 0.9], { strong: [1, 1, 1], weak: [1, 0, 0] })).toThrow(UsageError);
    expect(() => routerMetrics([0.1, 0.9], { strong: [1, 1, 1], weak: [1, 0, 0] })).toThrow('2 win rates for 3 items');
    expect(() => routerMetrics([0.1, 0.9], { strong: [1, 1], weak: [1, 0] }, { numResults: 0 })).toThrow('numResults must be an integer of 1 or more, got 0');
  });
});
