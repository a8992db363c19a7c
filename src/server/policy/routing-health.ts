import type { FailureReason } from './fallback-policy.js';

/** Default share of one model's calls that may fall back, over the window, before routing counts as degraded. */
export const DEFAULT_DEGRADED_SHARE = 0.2;
/** Default window of the degradation check, in ms. */
export const DEFAULT_DEGRADED_WINDOW_MS = 300_000;
/** Fewer calls than this in the window never count as degraded: one failure of two calls is not a trend. */
export const MIN_DEGRADED_CALLS = 10;
/** The window is kept as this many buckets, so the check is O(1) per call. */
const BUCKETS = 10;

/** What a change of one model's state says, for the log line. */
export interface HealthChange {
  readonly model: string;
  readonly degraded: boolean;
  /** Share of the model's calls in the window that fell back, 0..1. */
  readonly share: number;
  readonly calls: number;
  readonly fallbacks: number;
  /** The reason of the latest fallback from the model. */
  readonly lastReason: FailureReason | undefined;
}

/** One model's window: call and fallback counts per bucket, and their running sums. */
class ModelWindow {
  readonly calls = new Array<number>(BUCKETS).fill(0);
  readonly fallbacks = new Array<number>(BUCKETS).fill(0);
  callSum = 0;
  fallbackSum = 0;
  /** The bucket number (time / bucket length) the newest slot holds. */
  bucket = 0;
  degraded = false;
  lastReason: FailureReason | undefined;
}

/**
 * Watches what share of each routed model's calls fell back to the other model over a sliding
 * window (`windowMs`, kept as ten buckets). When the share passes `share` with at least
 * MIN_DEGRADED_CALLS calls in the window, the model is degraded until it drops back to or
 * below it: `onChange` is told of each change (the gateway logs it at warn, and the
 * `routellm_routing_degraded` gauge reads `degraded`). Also counts fallbacks by reason since
 * start-up, for the stats.
 */
export class RoutingHealth {
  readonly #share: number;
  readonly #bucketMs: number;
  readonly #now: () => number;
  readonly #onChange: (change: HealthChange) => void;
  readonly #models = new Map<string, ModelWindow>();
  /** Fallbacks since start-up, by reason. */
  readonly byReason = new Map<FailureReason, number>();

  constructor(options: { share: number; windowMs: number; now?: () => number; onChange: (change: HealthChange) => void }) {
    this.#share = options.share;
    this.#bucketMs = Math.max(1, options.windowMs / BUCKETS);
    this.#now = options.now ?? (() => performance.now());
    this.#onChange = options.onChange;
  }

  /** One routed call of `model` ended: answered by it (`reason` undefined) or fell back for `reason`. */
  observe(model: string, reason: FailureReason | undefined): void {
    let window = this.#models.get(model);
    if (window === undefined) {
      window = new ModelWindow();
      window.bucket = this.#bucketOf(this.#now());
      this.#models.set(model, window);
    }
    this.#advance(window);
    const slot = window.bucket % BUCKETS;
    window.calls[slot] = (window.calls[slot] as number) + 1;
    window.callSum += 1;
    if (reason !== undefined) {
      window.fallbacks[slot] = (window.fallbacks[slot] as number) + 1;
      window.fallbackSum += 1;
      window.lastReason = reason;
      this.byReason.set(reason, (this.byReason.get(reason) ?? 0) + 1);
    }
    this.#check(model, window);
  }

  /** Whether `model` is degraded now (the window moved on first). */
  degraded(model: string): boolean {
    const window = this.#models.get(model);
    if (window === undefined) return false;
    this.#advance(window);
    this.#check(model, window);
    return window.degraded;
  }

  /** Share of `model`'s calls in the window that fell back (0 with no calls). */
  share(model: string): number {
    const window = this.#models.get(model);
    if (window === undefined) return 0;
    this.#advance(window);
    return window.callSum === 0 ? 0 : window.fallbackSum / window.callSum;
  }

  /** Models seen so far. */
  models(): string[] {
    return [...this.#models.keys()];
  }

  /** Per-model window figures, for the stats. */
  window(model: string): { calls: number; fallbacks: number; share: number; degraded: boolean } {
    const degraded = this.degraded(model);
    const window = this.#models.get(model);
    const calls = window?.callSum ?? 0;
    const fallbacks = window?.fallbackSum ?? 0;
    return { calls, fallbacks, share: calls === 0 ? 0 : fallbacks / calls, degraded };
  }

  #bucketOf(time: number): number {
    return Math.floor(time / this.#bucketMs);
  }

  /** Empties the buckets that fell out of the window since the last call. */
  #advance(window: ModelWindow): void {
    const current = this.#bucketOf(this.#now());
    if (current === window.bucket) return;
    const steps = Math.min(BUCKETS, current - window.bucket);
    for (let step = 1; step <= steps; step += 1) {
      const slot = (window.bucket + step) % BUCKETS;
      window.callSum -= window.calls[slot] as number;
      window.fallbackSum -= window.fallbacks[slot] as number;
      window.calls[slot] = 0;
      window.fallbacks[slot] = 0;
    }
    window.bucket = current;
  }

  #check(model: string, window: ModelWindow): void {
    const share = window.callSum === 0 ? 0 : window.fallbackSum / window.callSum;
    const degraded = window.callSum >= MIN_DEGRADED_CALLS && share > this.#share;
    // Recovery needs the share back at or below the threshold (or too few calls to judge).
    if (degraded === window.degraded) return;
    window.degraded = degraded;
    this.#onChange({ model, degraded, share, calls: window.callSum, fallbacks: window.fallbackSum, lastReason: window.lastReason });
  }
}
