import { describe, expect, it } from 'vitest';
import { costScale, seededRandom, ShareCalibrator } from '../../../src/core/index.js';
import { ListBudgetTrack } from '../../../src/core/model-list/list-budget-track.js';

const COSTS = Float64Array.of(0.0005, 0.002, 0.02);
const SCALED = costScale(COSTS, 2);

/**
 * A simulated run of router-r-$X/h over three models costing $0.0005, $0.002 and $0.02 a request
 * (expected; each answer really costs `real` times that): requests arrive at `rate(second)` per
 * second with random predicted qualities, and the clock is the simulation's.
 */
function simulate(usdPerHour: number, rate: (second: number) => number, seconds: number, real = 1) {
  let now = 0;
  const track = new ListBudgetTrack({ name: 'r', fingerprint: 'r' }, { usdPerHour, windowSize: 200, now: () => now, scaled: SCALED });
  const random = seededRandom(9);
  const spendBySecond = new Float64Array(seconds);
  const calls = [0, 0, 0];
  for (let second = 0; second < seconds; second += 1) {
    const n = rate(second);
    for (let i = 0; i < n; i += 1) {
      now = second * 1000 + (i * 1000) / n;
      const ref = 0.6 + random() * 0.4;
      const losses = Float64Array.of(random() * ref, random() * ref * 0.5, 0);
      const { index } = track.decide(losses, SCALED, 1, COSTS);
      const usd = (COSTS[index] as number) * real;
      track.spend(usd, COSTS[index]);
      spendBySecond[second] = (spendBySecond[second] as number) + usd;
      if (second >= 3600 && second < 4200) calls[index] = (calls[index] as number) + 1;
    }
  }
  return { spend: (from: number, to: number) => spendBySecond.slice(from, to).reduce((a, b) => a + b, 0), calls, track };
}

describe('ListBudgetTrack (router-<r>-$X/h over a list)', () => {
  it('holds the spend of every call near the budget on steady traffic, with answers costing half what was expected', () => {
    // 1 request a second: all-cheapest $1.8/h, all-strongest $72/h; $20/h is in between.
    const run = simulate(20, () => 1, 2 * 3600, 0.5);
    expect(run.spend(3600, 7200)).toBeGreaterThan(20 * 0.95);
    expect(run.spend(3600, 7200)).toBeLessThan(20 * 1.05);
    expect(run.spend(0, 3600)).toBeLessThan(20 * 1.05);
    const stats = run.track.stats();
    expect(stats.budget?.usdPerHour).toBe(20);
    expect(Math.abs((stats.budget?.requestsPerHour ?? 0) / 3600 - 1)).toBeLessThan(0.02);
    // The reference's measured cost: its expected $0.02 times the measured ratio 0.5.
    expect(stats.budget?.strongCostUsd).toBeCloseTo(0.01, 6);
  });

  it('a 10x spike goes to cheaper models: the hour around it stays near the budget', () => {
    const run = simulate(20, (second) => (second >= 3600 && second < 4200 ? 10 : 1), 3 * 3600);
    const spikeHour = run.spend(3600, 7200);
    const total = run.calls[0]! + run.calls[1]! + run.calls[2]!;
    console.log(`list budget $20/h: hour from the spike's start $${spikeHour.toFixed(2)}, hour before $${run.spend(0, 3600).toFixed(2)}; calls in the spike ${run.calls.map((n) => ((n / total) * 100).toFixed(1)).join('/')}% cheap/mid/reference`);
    expect(spikeHour).toBeGreaterThan(20 * 0.9);
    expect(spikeHour).toBeLessThan(20 * 1.1);
    // During the spike most calls go to the two cheaper models.
    expect((run.calls[2] as number) / (run.calls[0]! + run.calls[1]! + run.calls[2]!)).toBeLessThan(0.05);
  });

  it('a budget below the all-cheapest bill sends every call to the cheapest model', () => {
    const run = simulate(0.5, () => 1, 1200);
    expect(run.track.share()).toBe(0);
    expect(run.spend(600, 1200)).toBeCloseTo(600 * 0.0005, 9);
  });

  it('is kept by the calibrator with the pair budgets (stats, least recently used)', () => {
    let now = 0;
    const calibrator = new ShareCalibrator({ now: () => now, strongCostPrior: 0.01 });
    const make = () => new ListBudgetTrack({ name: 'r', fingerprint: 'r|list' }, { usdPerHour: 20, windowSize: 200, now: () => now, scaled: SCALED });
    const track = calibrator.listBudgetTrack({ name: 'r', fingerprint: 'r|list' }, 20, make);
    expect(calibrator.listBudgetTrack({ name: 'r', fingerprint: 'r|list' }, 20, make)).toBe(track);
    now = 1000;
    track.decide(Float64Array.of(0.3, 0.1, 0), SCALED, 1, COSTS);
    expect(calibrator.stats()).toEqual([expect.objectContaining({ router: 'r', windowFill: 1, budget: expect.objectContaining({ usdPerHour: 20 }) })]);
  });
});
