import type { ListWindowEntry } from '../shares/kept-track.js';
import { knobForCostShare, weightedCostShareCurve, type CostShareCurve, type PricedShortfalls } from './knob-for-cost-share.js';

/**
 * Prior prompts each live prompt pushes out of a window: the share is of the live traffic, so a
 * prior that stands in for it is gone after a few live prompts (a quarter window of the prior,
 * 50 prompts at the default 200, is gone after 10). Chosen on bench list-share-warm-start among
 * three schedules: a full window of prior pushed out one by one overspent a 30% share by 10-20
 * points over Arena-Hard's first 200 chat prompts; a quarter window pushed out one by one, by
 * 11-16 over the first 50; this one is within a point of the cold start's error or better from
 * the 25th request on, on RouterBench's held-out prompts and on chat.
 */
const PRIOR_PUSHED_PER_PROMPT = 5;

/**
 * The last `capacity` prompts routed with one list router and cost share (`router-knn-30%`):
 * each one's shortfalls, its own costs on the rule's scale and the model it went to, so the knob
 * that spends the share of those prompts' bills can be cut with knobForCostShare, as a two-model
 * share cuts the quantile of its window's win rates, and the share they spent is known. The curve
 * is rebuilt only when a prompt came in since the last cut. Pure (no clock, no I/O).
 */
export class CostShareWindow {
  readonly capacity: number;
  readonly #models: number;
  readonly #scaled: Float64Array;
  readonly #rows: Float64Array;
  readonly #costs: Float64Array;
  readonly #steps: Float64Array;
  readonly #chosen: Int32Array;
  readonly #prior: readonly PricedShortfalls[];
  #start = 0;
  #size = 0;
  #curve: CostShareCurve | undefined;

  /**
   * `scaled`: the models' costs on the rule's scale (costScale) for a prompt observed without its
   * own. `prior`: prompts the cut counts before live ones come in (the router's training prompts,
   * see ListPrior): the first quarter window of them, PRIOR_PUSHED_PER_PROMPT pushed out by each
   * live prompt; empty, the window starts empty.
   */
  constructor(capacity: number, scaled: Float64Array, prior: readonly PricedShortfalls[] = []) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`window capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.#models = scaled.length;
    this.#scaled = scaled;
    this.#rows = new Float64Array(capacity * scaled.length);
    this.#costs = new Float64Array(capacity * scaled.length);
    this.#steps = new Float64Array(capacity);
    this.#chosen = new Int32Array(capacity);
    this.#prior = prior;
  }

  /** Prior prompts still counted: a quarter window of them, less PRIOR_PUSHED_PER_PROMPT per live prompt. */
  get priorFill(): number {
    return Math.max(0, Math.min(this.#prior.length, Math.ceil(this.capacity / 4) - PRIOR_PUSHED_PER_PROMPT * this.#size));
  }

  /** Prompts in the window (up to `capacity`). */
  get fill(): number {
    return this.#size;
  }

  /** The share of the window's bill above the all-cheapest one that its prompts spent (of the way to the all-strongest); NaN when empty. */
  get realizedShare(): number {
    let spent = 0;
    let span = 0;
    const m = this.#models;
    for (let i = 0; i < this.#size; i += 1) {
      const slot = this.#slot(i);
      spent += this.#costs[slot * m + (this.#chosen[slot] as number)] as number;
      span += this.#steps[slot] as number;
    }
    return span > 0 ? spent / span : Number.NaN;
  }

  /**
   * Adds one prompt's shortfalls (list order), evicting the oldest when full; with the prompt's own
   * scaled costs and step (see PricedShortfalls) when it costs other than the window's scale says.
   * Its model is the cheapest until `chose` says.
   */
  observe(losses: ArrayLike<number>, scaled: ArrayLike<number> = this.#scaled, step = 1, chosen = 0): void {
    const slot = this.#size < this.capacity ? (this.#start + this.#size) % this.capacity : this.#start;
    if (this.#size < this.capacity) this.#size += 1;
    else this.#start = (this.#start + 1) % this.capacity;
    this.#rows.set(losses, slot * this.#models);
    this.#costs.set(scaled, slot * this.#models);
    this.#steps[slot] = step;
    this.#chosen[slot] = chosen;
    this.#curve = undefined;
  }

  /** The newest prompt went to model `index`. */
  chose(index: number): void {
    if (this.#size > 0) this.#chosen[this.#slot(this.#size - 1)] = index;
  }

  /** The knob that spends `share` of the way from the all-cheapest to the all-strongest bill of the window's prompts. */
  knob(share: number): number {
    this.#curve ??= weightedCostShareCurve(this.#each());
    return knobForCostShare(this.#curve, share);
  }

  /** The window's prompts, oldest first, as kept beyond the process: [chosen, step, ...shortfalls, ...scaled costs]. */
  entries(): ListWindowEntry[] {
    const m = this.#models;
    return Array.from({ length: this.#size }, (_, i) => {
      const slot = this.#slot(i);
      return [this.#chosen[slot] as number, this.#steps[slot] as number, ...this.#rows.subarray(slot * m, slot * m + m), ...this.#costs.subarray(slot * m, slot * m + m)];
    });
  }

  /** Replaces the contents with `entries` (oldest first, of this window's width: the caller checks); only the newest `capacity` are kept. */
  reset(entries: readonly ListWindowEntry[]): void {
    const m = this.#models;
    this.#start = 0;
    this.#size = 0;
    for (const entry of entries.slice(-this.capacity)) this.observe(entry.slice(2, 2 + m), entry.slice(2 + m, 2 + 2 * m), entry[1] as number, entry[0] as number);
    this.#curve = undefined;
  }

  #slot(i: number): number {
    return (this.#start + i) % this.capacity;
  }

  *#each(): Generator<PricedShortfalls> {
    const m = this.#models;
    for (let i = 0; i < this.priorFill; i += 1) yield this.#prior[i] as PricedShortfalls;
    for (let i = 0; i < this.#size; i += 1) {
      const slot = this.#slot(i);
      yield { losses: this.#rows.subarray(slot * m, slot * m + m), scaled: this.#costs.subarray(slot * m, slot * m + m), step: this.#steps[slot] as number };
    }
  }
}
