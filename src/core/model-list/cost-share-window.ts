import type { ListWindowEntry } from '../shares/kept-track.js';
import { switchPoints, type PricedShortfalls, type SwitchPoint } from './knob-for-cost-share.js';

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
 * that spends the share of those prompts' bills can be cut, as a two-model share cuts the quantile
 * of its window's win rates, and the share they spent is known. Pure (no clock, no I/O).
 *
 * Like the pair's ShareWindow it keeps its cut incrementally: each prompt's switch points
 * (switchPoints, at most one per model but the last) are worked out once, when it comes in, and
 * kept sorted by knob in typed arrays, beside those of the prior prompts still counted; a prompt
 * leaving the window takes its own out. Cutting the knob then walks the sorted points down from
 * the highest knob, summing their drops, until the share is reached: the same arithmetic, in the
 * same order, as knobForCostShare on weightedCostShareCurve of the window's prompts (prior first,
 * then oldest first), so the same knob to the last bit, without rebuilding and sorting the curve
 * before every decision (issue 15: 84 µs a decision at 6 models and 200 prompts).
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
  /** Switch points a prompt can have: one per model but the cheapest it ends at. */
  readonly #perPrompt: number;
  /** Each slot's order key (see #key) and its switch points: how many, their knobs and drops. */
  readonly #seqs: Float64Array;
  readonly #pointCounts: Int32Array;
  readonly #pointKnobs: Float64Array;
  readonly #pointDrops: Float64Array;
  /** Prior prompts the window counts at most (a quarter of it, or fewer when the prior is smaller). */
  readonly #priorMax: number;
  /** Every counted switch point, sorted by knob, then by its prompt's order (prior first, oldest first), then its order in the prompt. */
  readonly #sortedKnobs: Float64Array;
  readonly #sortedKeys: Float64Array;
  readonly #sortedDrops: Float64Array;
  #sortedCount = 0;
  /** Prior prompts whose points are in the sorted arrays (the first #priorIn), and the live prompts they were priced at. */
  #priorIn = 0;
  #priorPricedAt = 0;
  #nextSeq = 0;
  #start = 0;
  #size = 0;

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
    this.#perPrompt = Math.max(1, scaled.length - 1);
    this.#seqs = new Float64Array(capacity);
    this.#pointCounts = new Int32Array(capacity);
    this.#pointKnobs = new Float64Array(capacity * this.#perPrompt);
    this.#pointDrops = new Float64Array(capacity * this.#perPrompt);
    this.#priorMax = Math.min(prior.length, priorMaxFill(capacity));
    const points = (capacity + this.#priorMax) * this.#perPrompt;
    this.#sortedKnobs = new Float64Array(points);
    this.#sortedKeys = new Float64Array(points);
    this.#sortedDrops = new Float64Array(points);
    this.#syncPrior();
  }

  /** Prior prompts still counted: a quarter window of them, less PRIOR_PUSHED_PER_PROMPT per live prompt. */
  get priorFill(): number {
    return Math.max(0, Math.min(this.#prior.length, priorMaxFill(this.capacity) - PRIOR_PUSHED_PER_PROMPT * this.#size));
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
    const m = this.#models;
    let slot: number;
    if (this.#size < this.capacity) {
      slot = (this.#start + this.#size) % this.capacity;
      this.#size += 1;
    } else {
      slot = this.#start;
      this.#removeSlot(slot);
      this.#start = (this.#start + 1) % this.capacity;
    }
    this.#rows.set(losses, slot * m);
    this.#costs.set(scaled, slot * m);
    this.#steps[slot] = step;
    this.#chosen[slot] = chosen;
    const seq = this.#nextSeq;
    this.#nextSeq += 1;
    this.#seqs[slot] = seq;
    const points = switchPoints(this.#rows.subarray(slot * m, slot * m + m), this.#costs.subarray(slot * m, slot * m + m));
    const base = slot * this.#perPrompt;
    this.#pointCounts[slot] = points.length;
    for (let j = 0; j < points.length; j += 1) {
      const point = points[j] as SwitchPoint;
      this.#pointKnobs[base + j] = point.knob;
      this.#pointDrops[base + j] = point.drop;
      this.#insert(point.knob, this.#key(seq, j), point.drop);
    }
    this.#syncPrior();
  }

  /** The newest prompt went to model `index`. */
  chose(index: number): void {
    if (this.#size > 0) this.#chosen[this.#slot(this.#size - 1)] = index;
  }

  /**
   * The knob that spends `share` of the way from the all-cheapest to the all-strongest bill of the
   * window's prompts (and the prior's still counted): knobForCostShare(weightedCostShareCurve(...)),
   * read off the sorted switch points.
   */
  knob(share: number): number {
    if (!(share >= 0)) throw new RangeError(`share must be a number >= 0, got ${share}`);
    let total = 0;
    const priorFill = this.priorFill;
    for (let i = 0; i < priorFill; i += 1) total += this.#priorStep(i);
    for (let i = 0; i < this.#size; i += 1) total += this.#steps[this.#slot(i)] as number;
    const knobs = this.#sortedKnobs;
    const drops = this.#sortedDrops;
    // The curve's distinct knobs from the highest down; the share at each is the drops at or
    // above it over the total (each knob's drops summed in ascending order first, as the curve does).
    let tail = 0;
    let above = 0;
    let aboveKnob = Number.NaN;
    let high = this.#sortedCount;
    while (high > 0) {
      const knob = knobs[high - 1] as number;
      let low = high - 1;
      while (low > 0 && knobs[low - 1] === knob) low -= 1;
      let mass = 0;
      for (let j = low; j < high; j += 1) mass += drops[j] as number;
      tail += mass;
      const at = total > 0 ? tail / total : 0;
      if (at > share) {
        // The highest knob whose share exceeds the asked one (so share < the share at 0).
        if (share === 0) return Number.POSITIVE_INFINITY;
        if (high === this.#sortedCount) return knob;
        return knob + ((aboveKnob - knob) * (at - share)) / (at - above);
      }
      above = at;
      aboveKnob = knob;
      high = low;
    }
    // No points, or the share at 0 is at most the asked one: every prompt to its best predicted model.
    return 0;
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
    this.#sortedCount = 0;
    this.#priorIn = 0;
    this.#priorPricedAt = 0;
    this.#syncPrior();
    for (const entry of entries.slice(-this.capacity)) this.observe(entry.slice(2, 2 + m), entry.slice(2 + m, 2 + 2 * m), entry[1] as number, entry[0] as number);
  }

  #slot(i: number): number {
    return (this.#start + i) % this.capacity;
  }

  /**
   * A point's place among equal knobs: its prompt's order (prior prompts before live ones, each
   * in order), then its own order in the prompt; as a stable sort of the curve's points has them.
   */
  #key(seq: number, point: number): number {
    return seq * this.#perPrompt + point;
  }

  /**
   * Counts the first priorFill prior prompts' points, and no others, each prior prompt priced at
   * the live prompts' costs (#priorCosts): so while the prior counts, every live prompt that comes
   * in prices it anew.
   */
  #syncPrior(): void {
    const wanted = this.priorFill;
    if (this.#priorIn === wanted && (wanted === 0 || this.#priorPricedAt === this.#size)) return;
    if (this.#priorIn > 0) this.#removePrior();
    const m = this.#models;
    for (let i = 0; i < wanted; i += 1) {
      const prompt = this.#prior[i] as PricedShortfalls;
      const slot = this.#priorSlot(i);
      const points = switchPoints(prompt.losses, slot < 0 ? prompt.scaled : this.#costs.subarray(slot * m, slot * m + m));
      const seq = i - this.#priorMax;
      for (let j = 0; j < points.length; j += 1) this.#insert((points[j] as SwitchPoint).knob, this.#key(seq, j), (points[j] as SwitchPoint).drop);
    }
    this.#priorIn = wanted;
    this.#priorPricedAt = this.#size;
  }

  /**
   * The live prompt whose costs prior prompt i is priced at: the live prompts in turn, oldest
   * first (i modulo the fill); -1 while there are none (the prior prompt's own costs then).
   *
   * Why not the prior prompt's own: the prior holds the router's qualities on its training prompts
   * (RouterBench's few-shot questions, 370 input tokens on average), and what those prompts cost
   * says nothing about the traffic the share is held on. Priced at their own tokens, their
   * switch points sat at knobs cut for long prompts: on chat (Arena-Hard, a median of 38 input
   * tokens) over three models priced per request, the first 10 requests spent 47% at an asked 30%.
   * The qualities carry over; the costs are the live traffic's (test/core/model-list/list-share-warm-start.test.ts).
   */
  #priorSlot(i: number): number {
    return this.#size === 0 ? -1 : this.#slot(i % this.#size);
  }

  /** Prior prompt i's step, at the costs it is priced at (#priorSlot). */
  #priorStep(i: number): number {
    const slot = this.#priorSlot(i);
    return slot < 0 ? (this.#prior[i] as PricedShortfalls).step : (this.#steps[slot] as number);
  }

  /** Takes every prior prompt's points out (their keys are the negative ones). */
  #removePrior(): void {
    const keys = this.#sortedKeys;
    let kept = 0;
    for (let at = 0; at < this.#sortedCount; at += 1) {
      if ((keys[at] as number) < 0) continue;
      this.#sortedKnobs[kept] = this.#sortedKnobs[at] as number;
      this.#sortedKeys[kept] = keys[at] as number;
      this.#sortedDrops[kept] = this.#sortedDrops[at] as number;
      kept += 1;
    }
    this.#sortedCount = kept;
    this.#priorIn = 0;
  }

  #removeSlot(slot: number): void {
    const base = slot * this.#perPrompt;
    const seq = this.#seqs[slot] as number;
    for (let j = 0; j < (this.#pointCounts[slot] as number); j += 1) this.#remove(this.#pointKnobs[base + j] as number, this.#key(seq, j));
  }

  /** First place in the sorted points at or after (knob, key). */
  #lowerBound(knob: number, key: number): number {
    const knobs = this.#sortedKnobs;
    const keys = this.#sortedKeys;
    let low = 0;
    let high = this.#sortedCount;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const k = knobs[middle] as number;
      if (k < knob || (k === knob && (keys[middle] as number) < key)) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  #insert(knob: number, key: number, drop: number): void {
    const at = this.#lowerBound(knob, key);
    const count = this.#sortedCount;
    this.#sortedKnobs.copyWithin(at + 1, at, count);
    this.#sortedKeys.copyWithin(at + 1, at, count);
    this.#sortedDrops.copyWithin(at + 1, at, count);
    this.#sortedKnobs[at] = knob;
    this.#sortedKeys[at] = key;
    this.#sortedDrops[at] = drop;
    this.#sortedCount = count + 1;
  }

  #remove(knob: number, key: number): void {
    const at = this.#lowerBound(knob, key);
    const count = this.#sortedCount;
    this.#sortedKnobs.copyWithin(at, at + 1, count);
    this.#sortedKeys.copyWithin(at, at + 1, count);
    this.#sortedDrops.copyWithin(at, at + 1, count);
    this.#sortedCount = count - 1;
  }
}

/** Prior prompts counted while the window is empty: a quarter window. */
function priorMaxFill(capacity: number): number {
  return Math.ceil(capacity / 4);
}
