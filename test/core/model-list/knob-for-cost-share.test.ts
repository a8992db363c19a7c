import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../src/core/index.js';
import { chooseByShortfall, costScale, shortfalls } from '../../../src/core/model-list/choose-model.js';
import { costShareAt, costShareCurve, knobForCostShare, switchPoints } from '../../../src/core/model-list/knob-for-cost-share.js';

/** The cost share the rule really spends at t: the mean u of its choices. */
function spent(rows: readonly Float64Array[], scaled: Float64Array, t: number): number {
  let sum = 0;
  for (const losses of rows) sum += scaled[chooseByShortfall(losses, scaled, t)] as number;
  return sum / rows.length;
}

describe('the knob for a cost share', () => {
  it('walks one prompt through its switch points (the worked example)', () => {
    const scaled = costScale([1, 10, 100], 2);
    const steps = switchPoints(shortfalls([0.6, 0.85, 0.9], 2), scaled);
    expect(steps.map((s) => Number(s.knob.toFixed(4)))).toEqual([0.055, 2.75]);
    expect(steps.map((s) => Number(s.drop.toFixed(4)))).toEqual([0.9091, 0.0909]);
  });

  it('with two models is the share of strong calls', () => {
    const random = seededRandom(3);
    const rates = Array.from({ length: 500 }, () => random());
    const rows = rates.map((w) => Float64Array.of(w, 0));
    const scaled = Float64Array.of(0, 1);
    const curve = costShareCurve(rows, scaled);
    for (const t of [0, 0.1, 0.37, 0.5, 0.9, 1]) {
      expect(costShareAt(curve, t)).toBeCloseTo(rates.filter((w) => w >= t).length / rates.length, 12);
    }
    for (const share of [0.01, 0.1, 0.3, 0.5, 0.9]) {
      const t = knobForCostShare(curve, share);
      const strong = rates.filter((w) => w >= t).length / rates.length;
      expect(strong).toBeLessThanOrEqual(share + 1 / rates.length);
      expect(strong).toBeGreaterThanOrEqual(share - 1 / rates.length);
    }
  });

  it('agrees with the rule applied prompt by prompt, and is monotone, over many models', () => {
    const random = seededRandom(11);
    const costs = [0.1, 0.3, 0.35, 0.9, 2, 5, 4, 10];
    const reference = 7;
    const scaled = costScale(costs, reference);
    const rows = Array.from({ length: 300 }, () => shortfalls(Float64Array.from(costs, () => random()), reference));
    const curve = costShareCurve(rows, scaled);
    expect(curve.prompts).toBe(300);
    expect(curve.atZero).toBeGreaterThan(0.25);
    expect(curve.atZero).toBeLessThan(0.5);
    expect(curve.atZero).toBeCloseTo(spent(rows, scaled, 0), 12);
    for (let i = 0; i < 200; i += 1) {
      const t = random() * 3;
      expect(costShareAt(curve, t)).toBeCloseTo(spent(rows, scaled, t), 12);
    }
    let previous = 0;
    for (const share of [0.9, 0.7, 0.5, 0.3, 0.25, 0.2, 0.1, 0.05, 0.01]) {
      const t = knobForCostShare(curve, share);
      expect(t).toBeGreaterThanOrEqual(previous);
      previous = t;
      const realised = spent(rows, scaled, t);
      if (share >= curve.atZero) {
        // More than the best predicted models spend: the knob is 0.
        expect(t).toBe(0);
        continue;
      }
      expect(realised).toBeLessThanOrEqual(share + 1e-12);
      // Within one prompt's largest step of what was asked.
      expect(realised).toBeGreaterThan(share - 1.5 / rows.length);
    }
  });

  it('has ends: 0 when the share is all the best models spend, Infinity for nothing', () => {
    const scaled = Float64Array.of(0, 1);
    const curve = costShareCurve([Float64Array.of(0.4, 0), Float64Array.of(0.2, 0)], scaled);
    expect(knobForCostShare(curve, 1)).toBe(0);
    expect(knobForCostShare(curve, 0)).toBe(Number.POSITIVE_INFINITY);
    // Less than one prompt's step: the highest switch point (one of the two goes strong).
    expect(knobForCostShare(curve, 0.2)).toBe(0.4);
    expect(knobForCostShare(curve, 0.5)).toBeCloseTo(0.4, 12);
    expect(knobForCostShare(costShareCurve([], scaled), 0.5)).toBe(0);
    expect(() => knobForCostShare(curve, -1)).toThrow(/share/);
  });
});
