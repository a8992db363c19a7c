import { describe, expect, it } from 'vitest';
import { BUDGET_PROBE_RETRY_MS, seededRandom, ShareCalibrator } from '../../src/core/index.js';

/**
 * A simulated hour-by-hour run of router-r-$18/h: requests arrive at `rate(t)` per second with
 * uniform win rates, each strong answer costs $0.01, and the clock is the simulation's.
 */
function simulate(rate: (second: number) => number, seconds: number) {
  let now = 0;
  const calibrator = new ShareCalibrator({ now: () => now, strongCostPrior: 0.02 });
  const track = calibrator.budgetTrack({ name: 'r', fingerprint: 'r' }, 18, (share) => 1 - share);
  const random = seededRandom(5);
  const spendBySecond = new Float64Array(seconds);
  const requestsBySecond = new Float64Array(seconds);
  for (let second = 0; second < seconds; second += 1) {
    const n = rate(second);
    for (let i = 0; i < n; i += 1) {
      now = second * 1000 + (i * 1000) / n;
      if (track.decide(random()).strong) {
        track.spend(0.01);
        spendBySecond[second] = (spendBySecond[second] as number) + 0.01;
      }
      requestsBySecond[second] = (requestsBySecond[second] as number) + 1;
    }
  }
  const sum = (values: Float64Array, from: number, to: number) => values.slice(from, to).reduce((a, b) => a + b, 0);
  return { spend: (from: number, to: number) => sum(spendBySecond, from, to), share: (from: number, to: number) => sum(spendBySecond, from, to) / 0.01 / sum(requestsBySecond, from, to), calibrator };
}

describe('BudgetTrack (router-<r>-$18/h)', () => {
  it('holds strong spend near the budget on steady traffic, after starting from a wrong cost guess', () => {
    const run = simulate(() => 1, 2 * 3600);
    // $18/h at 1 request/s and $0.01 a strong call is half the calls.
    expect(run.spend(3600, 7200)).toBeGreaterThan(18 * 0.95);
    expect(run.spend(3600, 7200)).toBeLessThan(18 * 1.05);
    expect(run.spend(0, 3600)).toBeLessThan(18 * 1.05);
    expect(run.share(3600, 7200)).toBeCloseTo(0.5, 1);
    const [stats] = run.calibrator.stats();
    expect(stats?.budget?.usdPerHour).toBe(18);
    expect(stats?.budget?.strongCostUsd).toBeCloseTo(0.01, 9);
    expect(Math.abs((stats?.budget?.requestsPerHour ?? 0) / 3600 - 1)).toBeLessThan(0.02);
  });

  it('a 10x spike goes to the weak model: the hour around it stays near the budget', () => {
    // One request a second, ten a second from minute 60 to 70, then one again.
    const run = simulate((second) => (second >= 3600 && second < 4200 ? 10 : 1), 3 * 3600);
    const spikeHour = run.spend(3600, 7200);
    console.log(`spike hour: $${spikeHour.toFixed(2)}; first minute of the spike $${run.spend(3600, 3660).toFixed(3)}; share during the spike ${(run.share(3660, 4200) * 100).toFixed(1)}%`);
    expect(spikeHour).toBeLessThan(18 * 1.1);
    expect(spikeHour).toBeGreaterThan(18 * 0.9);
    // During the spike the share falls about tenfold (0.5 -> ~0.05).
    expect(run.share(3660, 4200)).toBeLessThan(0.08);
  });

  it('cold start: a prior 100x too high still lets the first hard request measure the real cost, then the budget is spent on measured costs', () => {
    // QA finding 4: $5/h, a strong call priced at 1,000 + 500 tokens ($0.025) that really costs
    // $0.00025 (10 in, 5 out): the prior's 5.6% share sent nothing strong, so nothing was measured.
    let now = 0;
    const calibrator = new ShareCalibrator({ now: () => now, strongCostPrior: 0.025 });
    const track = calibrator.budgetTrack({ name: 'r', fingerprint: 'r' }, 5, (share) => 1 - share);
    const decisions: boolean[] = [];
    let spent = 0;
    for (let second = 0; second < 3600; second += 1) {
      now = second * 1000;
      const strong = track.decide(0.9).strong;
      decisions.push(strong);
      if (strong) {
        track.spend(0.00025);
        spent += 0.00025;
      }
    }
    // The first request is the probe; once measured, sending every call strong costs $0.9/h, under $5/h.
    expect(decisions.slice(0, 12)).toEqual(Array(12).fill(true));
    expect(decisions.filter(Boolean).length).toBeGreaterThan(3600 * 0.95);
    expect(spent).toBeLessThan(5);
    expect(calibrator.stats()[0]?.budget?.strongCostUsd).toBeCloseTo(0.00025, 9);
  });

  it('cold start: one probe at a time; a probe whose cost never comes back (it failed) is retried after BUDGET_PROBE_RETRY_MS', () => {
    // A prior so high ($100 a call) that the share it allows sends nothing strong but the probes.
    let now = 0;
    const calibrator = new ShareCalibrator({ now: () => now, strongCostPrior: 100 });
    const track = calibrator.budgetTrack({ name: 'r', fingerprint: 'r' }, 5, (share) => 1 - share);
    const strongAt: number[] = [];
    // Ten requests a second, no cost ever reported; easy ones (below the table's median) never probe.
    for (let tick = 0; tick < 10 * 150; tick += 1) {
      now = tick * 100;
      if (track.decide(tick % 2 === 0 ? 0.9 : 0.2).strong) strongAt.push(now);
    }
    expect(strongAt).toEqual([0, BUDGET_PROBE_RETRY_MS, 2 * BUDGET_PROBE_RETRY_MS]);
  });

  it('cold start with a right prior: the probe is the only call ahead of the budget, and the hour stays within it', () => {
    // $1/h, $0.025 a strong call, one request a second of hard prompts: 40 strong calls an hour.
    let now = 0;
    const calibrator = new ShareCalibrator({ now: () => now, strongCostPrior: 0.025 });
    const track = calibrator.budgetTrack({ name: 'r', fingerprint: 'r' }, 1, (share) => 1 - share);
    const random = seededRandom(3);
    let spent = 0;
    let firstMinute = 0;
    for (let second = 0; second < 3600; second += 1) {
      now = second * 1000;
      if (track.decide(0.5 + random() / 2).strong) {
        track.spend(0.025);
        spent += 0.025;
        if (second < 60) firstMinute += 1;
      }
    }
    expect(firstMinute).toBeLessThanOrEqual(2);
    expect(spent).toBeLessThan(1 * 1.05);
    expect(spent).toBeGreaterThan(1 * 0.9);
  });
});
