import { knobForCostShare, weightedCostShareCurve, type CostShareCurve, type PricedShortfalls } from './knob-for-cost-share.js';

/**
 * The last `capacity` prompts routed with one list router and cost share (`router-knn-30%`):
 * each one's shortfalls and its own costs on the rule's scale, so the knob that spends the share
 * of those prompts' bills can be cut with knobForCostShare, as a two-model share cuts the quantile
 * of its window's win rates. The curve is rebuilt only when a prompt came in since the last cut.
 * Pure (no clock, no I/O).
 */
export class CostShareWindow {
  readonly capacity: number;
  readonly #models: number;
  readonly #scaled: Float64Array;
  readonly #rows: Float64Array;
  readonly #costs: Float64Array;
  readonly #steps: Float64Array;
  #start = 0;
  #size = 0;
  #curve: CostShareCurve | undefined;

  /** `scaled`: the models' costs on the rule's scale (costScale) for a prompt observed without its own. */
  constructor(capacity: number, scaled: Float64Array) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`window capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.#models = scaled.length;
    this.#scaled = scaled;
    this.#rows = new Float64Array(capacity * scaled.length);
    this.#costs = new Float64Array(capacity * scaled.length);
    this.#steps = new Float64Array(capacity);
  }

  /** Prompts in the window (up to `capacity`). */
  get fill(): number {
    return this.#size;
  }

  /**
   * Adds one prompt's shortfalls (list order), evicting the oldest when full; with the prompt's own
   * scaled costs and step (see PricedShortfalls) when it costs other than the window's scale says.
   */
  observe(losses: ArrayLike<number>, scaled: ArrayLike<number> = this.#scaled, step = 1): void {
    const slot = this.#size < this.capacity ? (this.#start + this.#size) % this.capacity : this.#start;
    if (this.#size < this.capacity) this.#size += 1;
    else this.#start = (this.#start + 1) % this.capacity;
    this.#rows.set(losses, slot * this.#models);
    this.#costs.set(scaled, slot * this.#models);
    this.#steps[slot] = step;
    this.#curve = undefined;
  }

  /** The knob that spends `share` of the way from the all-cheapest to the all-strongest bill of the window's prompts. */
  knob(share: number): number {
    this.#curve ??= weightedCostShareCurve(this.#each());
    return knobForCostShare(this.#curve, share);
  }

  *#each(): Generator<PricedShortfalls> {
    const m = this.#models;
    for (let i = 0; i < this.#size; i += 1) {
      const slot = (this.#start + i) % this.capacity;
      yield { losses: this.#rows.subarray(slot * m, slot * m + m), scaled: this.#costs.subarray(slot * m, slot * m + m), step: this.#steps[slot] as number };
    }
  }
}
