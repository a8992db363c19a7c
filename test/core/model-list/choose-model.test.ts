import { describe, expect, it } from 'vitest';
import { chooseTier, seededRandom } from '../../../src/core/index.js';
import { chooseByShortfall, chooseModel, costScale, shortfalls } from '../../../src/core/model-list/choose-model.js';

describe('chooseModel: the rule over a list of models', () => {
  it('with two models is exactly RouteLLM\'s rule: strong when the win rate reaches the threshold', () => {
    const random = seededRandom(7);
    const values = [0, 0.1, 0.11593, 0.2, 0.5, 0.999, 1];
    const cases: [number, number][] = values.flatMap((w) => values.map((t) => [w, t] as [number, number]));
    for (let i = 0; i < 2000; i += 1) cases.push([random(), random()]);
    for (const [w, t] of cases) {
      // The weak model's shortfall is the strong model's win rate; prices only set the scale.
      const chosen = chooseByShortfall([w, 0], costScale([0.6, 30], 1), t);
      expect(chosen === 1 ? 'strong' : 'weak', `w=${w} t=${t}`).toBe(chooseTier(w, t));
      // The same through qualities: q_strong - q_weak = w.
      expect(chooseModel([0, w], [0.6, 30], 1, t)).toBe(chosen);
    }
  });

  it('follows the worked example of docs/multi-model.md', () => {
    // cheap (cost 1), mid (10), reference (100); predicted quality 0.60, 0.85, 0.90.
    const quality = [0.6, 0.85, 0.9];
    const costs = [1, 10, 100];
    expect(Array.from(costScale(costs, 2))).toEqual([0, 9 / 99, 1]);
    expect(Array.from(shortfalls(quality, 2)).map((v) => Number(v.toFixed(12)))).toEqual([0.3, 0.05, 0]);
    expect(chooseModel(quality, costs, 2, 0)).toBe(2);
    expect(chooseModel(quality, costs, 2, 0.03)).toBe(2);
    expect(chooseModel(quality, costs, 2, 0.1)).toBe(1);
    expect(chooseModel(quality, costs, 2, 2.7)).toBe(1);
    expect(chooseModel(quality, costs, 2, 3)).toBe(0);
    expect(chooseModel(quality, costs, 2, Number.POSITIVE_INFINITY)).toBe(0);
  });

  it('breaks a tie toward the costlier model, as >= does for two', () => {
    // mid at u = 0.5 with shortfall 0.1 ties with the reference at t = 0.2 (0.1 + 0.1 = 0.2).
    expect(chooseByShortfall([0.3, 0.1, 0], [0, 0.5, 1], 0.2)).toBe(2);
    expect(chooseByShortfall([0.3, 0.1, 0], [0, 0.5, 1], 0.2000001)).toBe(1);
    // Two models predicted equal at t = 0: the dearer.
    expect(chooseByShortfall([0, 0, 0], [0, 0.5, 1], 0)).toBe(2);
  });

  it('takes a model predicted above the reference at a low threshold, even a dearer one', () => {
    expect(chooseModel([0.5, 0.95, 0.9], [1, 120, 100], 2, 0)).toBe(1);
    expect(chooseModel([0.5, 0.95, 0.9], [1, 120, 100], 2, 0.2)).toBe(1);
    expect(chooseModel([0.5, 0.95, 0.9], [1, 120, 100], 2, 0.3)).toBe(2);
    expect(chooseModel([0.5, 0.95, 0.9], [1, 120, 100], 2, 0.5)).toBe(0);
  });

  it('puts costs on the scale cheapest = 0, reference = 1', () => {
    expect(Array.from(costScale([5, 1, 3], 0))).toEqual([1, 0, 0.5]);
    // The reference is the cheapest: the scale runs to the dearest model instead.
    expect(Array.from(costScale([1, 3, 5], 0))).toEqual([0, 0.5, 1]);
    expect(Array.from(costScale([2, 2], 1))).toEqual([0, 0]);
    expect(() => costScale([1, -1], 0)).toThrow(/cost of model 1/);
    expect(() => costScale([1, 2], 2)).toThrow(/reference 2/);
    expect(() => chooseByShortfall([0.1, 0], [0, 1], -0.1)).toThrow(/threshold/);
  });
});
