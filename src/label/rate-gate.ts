/** Why the gate paused every request. */
export interface GatePause {
  /** How long from now, in ms. */
  readonly ms: number;
  /** `rate-limited` (a 429) or `overloaded` (5xx, timeouts, connection failures). */
  readonly reason: 'rate-limited' | 'overloaded';
  /** Whether the wait is the upstream's own `retry-after`. */
  readonly fromRetryAfter: boolean;
  /** The prompt limit after the pause (halved on a new 429 episode). */
  readonly limit: number;
}

export interface RateGateOptions {
  /** `--concurrency`: the most prompts in flight. */
  readonly maxConcurrency: number;
  readonly now?: () => number;
  /** Told once per pause that starts or grows, for a progress line. */
  readonly onPause?: (pause: GatePause) => void;
}

/** The first back-off without a `retry-after`; it doubles per failure in a row up to MAX_BACKOFF_MS. */
const FIRST_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 60_000;

/**
 * Paces a labelling run against its upstreams, globally rather than per request: when any call
 * is rate limited (429) every call waits, for the upstream's `retry-after` when it sent one,
 * else for a back-off that doubles with each failure in a row (1 s up to 60 s); 5xx and
 * timeouts pause the same way. The number of prompts in flight is additive-increase,
 * multiplicative-decrease: halved when a 429 arrives outside a pause already running (the
 * other in-flight calls' 429s are the same episode), and raised by one after as many
 * successes in a row as the limit, back up to `--concurrency`. So a provider's limit is found
 * instead of hammered with retries.
 */
export class RateGate {
  readonly #max: number;
  readonly #now: () => number;
  readonly #onPause: ((pause: GatePause) => void) | undefined;
  #limit: number;
  #active = 0;
  #pausedUntil = 0;
  #failuresInRow = 0;
  #successes = 0;
  #slotWaiters: Array<() => void> = [];

  constructor(options: RateGateOptions) {
    this.#max = options.maxConcurrency;
    this.#limit = options.maxConcurrency;
    this.#now = options.now ?? Date.now;
    this.#onPause = options.onPause;
  }

  /** Prompts allowed in flight now. */
  get limit(): number {
    return this.#limit;
  }

  /** Prompts in flight. */
  get active(): number {
    return this.#active;
  }

  /** When the current pause ends (ms since the epoch), or 0. */
  get pausedUntil(): number {
    return this.#pausedUntil > this.#now() ? this.#pausedUntil : 0;
  }

  /** Waits for a prompt slot; false when `signal` aborted first (no slot taken). */
  async enter(signal: AbortSignal): Promise<boolean> {
    while (this.#active >= this.#limit) {
      if (signal.aborted) return false;
      await new Promise<void>((resolve) => {
        const wake = () => {
          signal.removeEventListener('abort', wake);
          this.#slotWaiters = this.#slotWaiters.filter((waiter) => waiter !== wake);
          resolve();
        };
        this.#slotWaiters.push(wake);
        signal.addEventListener('abort', wake, { once: true });
      });
    }
    if (signal.aborted) return false;
    this.#active += 1;
    return true;
  }

  /** Gives a prompt slot back. */
  leave(): void {
    this.#active -= 1;
    this.#wakeSlots();
  }

  /** Resolves when no pause is running (true), or when `signal` aborts (false). */
  async ready(signal: AbortSignal): Promise<boolean> {
    for (;;) {
      if (signal.aborted) return false;
      const wait = this.#pausedUntil - this.#now();
      if (wait <= 0) return true;
      await sleep(wait, signal);
    }
  }

  /** A call succeeded: the back-off resets, and the limit creeps back up. */
  succeeded(): void {
    this.#failuresInRow = 0;
    if (this.#limit >= this.#max) return;
    this.#successes += 1;
    if (this.#successes >= this.#limit) {
      this.#successes = 0;
      this.#limit += 1;
      this.#wakeSlots();
    }
  }

  /**
   * A call failed in a way worth waiting out: pause every call. A failure without `retry-after`
   * that lands in a pause already running belongs to the same episode (a call sent before it
   * began) and neither lengthens it nor counts toward the back-off.
   */
  failed(reason: GatePause['reason'], retryAfterMs: number | undefined): void {
    const now = this.#now();
    const inPause = this.#pausedUntil > now;
    if (inPause && retryAfterMs === undefined) return;
    if (reason === 'rate-limited' && !inPause && this.#limit > 1) {
      this.#limit = Math.max(1, Math.floor(this.#limit / 2));
      this.#successes = 0;
    }
    let ms = retryAfterMs;
    if (ms === undefined) {
      ms = Math.min(FIRST_BACKOFF_MS * 2 ** this.#failuresInRow, MAX_BACKOFF_MS);
      this.#failuresInRow += 1;
    }
    if (now + ms <= this.#pausedUntil) return;
    this.#pausedUntil = now + ms;
    this.#onPause?.({ ms, reason, fromRetryAfter: retryAfterMs !== undefined, limit: this.#limit });
  }

  #wakeSlots(): void {
    const waiters = this.#slotWaiters;
    this.#slotWaiters = [];
    for (const wake of waiters) wake();
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
