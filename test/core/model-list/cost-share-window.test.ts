import { describe, expect, it } from 'vitest';
import { CostShareWindow, seededRandom, type PricedShortfalls } from '../../../src/core/index.js';
import { chooseByShortfall, scaleCosts, shortfalls } from '../../../src/core/model-list/choose-model.js';
import { knobForCostShare, weightedCostShareCurve } from '../../../src/core/model-list/knob-for-cost-share.js';

/**
 * The window's rule spelled out, as it was before the cut was kept incrementally: the last
 * `capacity` prompts, after the first max(0, ceil(capacity / 4) - 5 x fill) prior prompts (each
 * priced at the live prompts' costs in turn, oldest first; at its own with none), and before every
 * cut the whole curve rebuilt from them (weightedCostShareCurve) and cut (knobForCostShare).
 */
class RebuildingWindow {
  readonly #live: PricedShortfalls[] = [];
  constructor(
    readonly capacity: number,
    readonly prior: readonly PricedShortfalls[],
  ) {}

  observe(prompt: PricedShortfalls): void {
    this.#live.push({ losses: Float64Array.from(prompt.losses), scaled: Float64Array.from(prompt.scaled), step: prompt.step });
    if (this.#live.length > this.capacity) this.#live.shift();
  }

  reset(prompts: readonly PricedShortfalls[]): void {
    this.#live.length = 0;
    for (const prompt of prompts.slice(-this.capacity)) this.observe(prompt);
  }

  knob(share: number): number {
    const priorFill = Math.max(0, Math.min(this.prior.length, Math.ceil(this.capacity / 4) - 5 * this.#live.length));
    const live = this.#live;
    const prior = this.prior.slice(0, priorFill).map((prompt, i) => (live.length === 0 ? prompt : { losses: prompt.losses, scaled: live[i % live.length]!.scaled, step: live[i % live.length]!.step }));
    return knobForCostShare(weightedCostShareCurve([...prior, ...live]), share);
  }
}

/**
 * A random prompt over `models` models: qualities continuous or, like knn's (a share of k
 * neighbours), on a grid of tenths, so shortfalls and knobs tie across prompts; costs from random
 * prices at random lengths, or the list's fixed scale (step 1), so equal knobs are common.
 */
function randomPrompt(random: () => number, models: number, fixedScale: Float64Array | undefined, grid: boolean): PricedShortfalls {
  const qualities = Array.from({ length: models }, () => (grid ? Math.floor(random() * 11) / 10 : random()));
  const losses = shortfalls(qualities, models - 1);
  if (fixedScale) return { losses, scaled: fixedScale, step: 1 };
  const tokens = Math.exp(random() * Math.log(20_000));
  const costs = Array.from({ length: models }, (_, m) => (m + 1) ** 2 * tokens * (0.5 + random()));
  // The reference the dearest: the step is the reference's cost above the cheapest, on a unit of 1,000 tokens' step.
  costs[models - 1] = Math.max(...costs) * 1.5;
  const unit = 1000 * models ** 2;
  const scaled = scaleCosts(costs, unit);
  return { losses, scaled, step: (scaled[models - 1] as number) - Math.min(...scaled) };
}

describe('CostShareWindow: the cut kept incrementally', () => {
  it('cuts the same knob, to the bit, and so chooses the same models as rebuilding the curve before every decision', () => {
    let decisions = 0;
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const random = seededRandom(seed);
      const models = [2, 3, 6][seed % 3] as number;
      const capacity = [1, 7, 50, 200][Math.floor(random() * 4)] as number;
      const fixed = seed % 2 === 0 ? scaleCosts(Array.from({ length: models }, (_, m) => (m + 1) ** 2), models ** 2 - 1) : undefined;
      const grid = seed % 4 < 2;
      const prior = random() < 0.8 ? Array.from({ length: 120 }, () => randomPrompt(random, models, fixed, grid)) : [];
      const window = new CostShareWindow(capacity, fixed ?? scaleCosts(Array.from({ length: models }, (_, m) => m), models - 1), prior);
      const reference = new RebuildingWindow(capacity, prior);
      const shares = [0, 0.1, 0.3, 0.5, 1, random()];
      for (let i = 0; i < 1500; i += 1) {
        const prompt = randomPrompt(random, models, fixed, grid);
        window.observe(prompt.losses, prompt.scaled, prompt.step);
        reference.observe(prompt);
        const share = shares[i % shares.length] as number;
        const knob = window.knob(share);
        expect(Object.is(knob, reference.knob(share)), `seed ${seed}, prompt ${i}, share ${share}`).toBe(true);
        const chosen = chooseByShortfall(prompt.losses, prompt.scaled, knob);
        expect(chosen).toBe(chooseByShortfall(prompt.losses, prompt.scaled, reference.knob(share)));
        window.chose(chosen);
        decisions += 1;
        // Now and then the window is replaced (a shared window adopted, a saved one loaded).
        if (random() < 0.01) {
          const entries = window.entries().slice(Math.floor(random() * capacity));
          window.reset(entries);
          reference.reset(entries.map((entry) => ({ losses: entry.slice(2, 2 + models), scaled: entry.slice(2 + models), step: entry[1] as number })));
        }
      }
    }
    expect(decisions).toBe(9000);
  });

  it('evicts the oldest prompt: a full window cuts as a fresh one given only its last prompts', () => {
    const random = seededRandom(9);
    const scale = scaleCosts([1, 3, 10], 2);
    const prompts = Array.from({ length: 75 }, () => randomPrompt(random, 3, undefined, false));
    const full = new CostShareWindow(25, scale);
    for (const prompt of prompts) full.observe(prompt.losses, prompt.scaled, prompt.step);
    const fresh = new CostShareWindow(25, scale);
    for (const prompt of prompts.slice(-25)) fresh.observe(prompt.losses, prompt.scaled, prompt.step);
    expect(full.fill).toBe(25);
    for (const share of [0.05, 0.2, 0.3, 0.7]) expect(Object.is(full.knob(share), fresh.knob(share))).toBe(true);
  });
});
