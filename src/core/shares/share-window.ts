/** Where a window puts the cut between strong and weak for one share. */
export interface ShareCut {
  /** Win rates above it go strong, below it weak. */
  readonly threshold: number;
  /**
   * The part of the requests whose win rate equals `threshold` that must go strong for the
   * window to hold the share (1 when no other request in the window ties with it). Routers
   * give identical rates to identical (templated, repeated) prompts: without this, a tie that
   * straddles the cut sends all of them one way and the share misses by their whole weight.
   */
  readonly tieFraction: number;
}

/** One routed request as a window keeps it: its win rate and whether it went strong. */
export type WindowEntry = readonly [winRate: number, strong: boolean];

/**
 * The last `capacity` routed requests of one router and share: their win rates kept sorted, so
 * the cut for any share is an order statistic read in O(log n), and their tiers, so the share
 * they realized is known. A ring buffer in typed arrays: observing evicts the oldest and moves
 * at most `capacity` numbers, well under a microsecond at the default 200. Pure (no clock, no I/O).
 */
export class ShareWindow {
  readonly capacity: number;
  readonly #rates: Float64Array;
  readonly #strong: Uint8Array;
  readonly #sorted: Float64Array;
  #start = 0;
  #size = 0;
  #strongCount = 0;
  #sortedCount = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`window capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.#rates = new Float64Array(capacity);
    this.#strong = new Uint8Array(capacity);
    this.#sorted = new Float64Array(capacity);
  }

  /** Requests in the window (up to `capacity`). */
  get fill(): number {
    return this.#size;
  }

  /** The share of the window's requests that went strong; NaN when it is empty. */
  get realizedShare(): number {
    return this.#size === 0 ? Number.NaN : this.#strongCount / this.#size;
  }

  /** Adds one routed request, evicting the oldest when full. */
  observe(winRate: number, strong: boolean): void {
    const capacity = this.capacity;
    if (this.#size === capacity) {
      const old = this.#rates[this.#start] as number;
      this.#strongCount -= this.#strong[this.#start] as number;
      this.#removeSorted(old);
      this.#rates[this.#start] = winRate;
      this.#strong[this.#start] = strong ? 1 : 0;
      this.#start = (this.#start + 1) % capacity;
    } else {
      const at = (this.#start + this.#size) % capacity;
      this.#rates[at] = winRate;
      this.#strong[at] = strong ? 1 : 0;
      this.#size += 1;
    }
    this.#strongCount += strong ? 1 : 0;
    this.#insertSorted(winRate);
  }

  /**
   * The cut that sends `share` of the window's requests strong: the win rate of the k-th
   * highest, k = ceil(share * fill), with the part of its ties needed to make up exactly
   * share * fill. Undefined when the window is empty.
   */
  cut(share: number): ShareCut | undefined {
    const n = this.#size;
    if (n === 0) return undefined;
    const sorted = this.#sorted;
    const wanted = share * n;
    const k = Math.min(n, Math.max(1, Math.ceil(wanted)));
    const threshold = sorted[n - k] as number;
    const firstAbove = upperBound(sorted, n, threshold);
    const firstEqual = lowerBound(sorted, n, threshold);
    const above = n - firstAbove;
    const equal = firstAbove - firstEqual;
    const tieFraction = equal <= 1 ? 1 : Math.min(1, Math.max(0, (wanted - above) / equal));
    return { threshold, tieFraction };
  }

  /** The window's requests, oldest first (for persistence and sharing). */
  entries(): WindowEntry[] {
    const out: WindowEntry[] = [];
    for (let i = 0; i < this.#size; i += 1) {
      const at = (this.#start + i) % this.capacity;
      out.push([this.#rates[at] as number, this.#strong[at] === 1]);
    }
    return out;
  }

  /** Replaces the contents with `entries` (oldest first); only the newest `capacity` are kept. */
  reset(entries: readonly WindowEntry[]): void {
    this.#start = 0;
    this.#size = 0;
    this.#strongCount = 0;
    this.#sortedCount = 0;
    for (const [winRate, strong] of entries.slice(-this.capacity)) this.observe(winRate, strong);
  }

  #insertSorted(value: number): void {
    const sorted = this.#sorted;
    const size = this.#sortedCount;
    const at = upperBound(sorted, size, value);
    sorted.copyWithin(at + 1, at, size);
    sorted[at] = value;
    this.#sortedCount = size + 1;
  }

  #removeSorted(value: number): void {
    const sorted = this.#sorted;
    const size = this.#sortedCount;
    const at = lowerBound(sorted, size, value);
    sorted.copyWithin(at, at + 1, size);
    this.#sortedCount = size - 1;
  }
}

/** First index in sorted[0, size) whose value is >= `value`. */
function lowerBound(sorted: Float64Array, size: number, value: number): number {
  let low = 0;
  let high = size;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as number) < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** First index in sorted[0, size) whose value is > `value`. */
function upperBound(sorted: Float64Array, size: number, value: number): number {
  let low = 0;
  let high = size;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as number) <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}
