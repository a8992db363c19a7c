import { RequestError } from '../errors/request-error.js';
import type { AbortSignalLike } from '../../upstream/light-abort.js';

export interface ConcurrencyLimits {
  /** Upstream calls in flight at once (`--max-concurrency`); Infinity for no limit. */
  readonly maxConcurrent: number;
  /** Callers that may wait for a slot (`--max-queue`); past it, 429. */
  readonly maxQueue: number;
  /** Seconds a refused client is told to wait (`retry-after`). */
  readonly retryAfterSeconds?: number;
}

/** Hands a slot back; calling it twice is harmless. */
export type Release = () => void;

interface Waiter {
  resolve: (release: Release) => void;
  reject: (error: unknown) => void;
  signal: AbortSignalLike | undefined;
  onAbort: () => void;
}

/**
 * Bounds concurrent upstream calls with a bounded FIFO queue: a caller past the queue
 * gets an OpenAI-shaped 429 with `retry-after` at once, instead of memory growing
 * without limit. A queued caller whose client leaves is dropped from the queue.
 */
export class ConcurrencyLimiter {
  readonly #limits: ConcurrencyLimits;
  readonly #queue: Waiter[] = [];
  #active = 0;
  /** Called whenever `active` or `queued` changes, for the gauges. */
  onChange: ((active: number, queued: number) => void) | undefined;

  constructor(limits: ConcurrencyLimits) {
    this.#limits = limits;
  }

  get active(): number {
    return this.#active;
  }

  get queued(): number {
    return this.#queue.length;
  }

  /**
   * A slot now, if one is free and the caller is still there, without a promise (the common
   * case on the hot path); undefined otherwise: then call `acquire`, which queues or refuses.
   */
  tryAcquire(signal?: AbortSignalLike): Release | undefined {
    if (signal?.aborted || this.#active >= this.#limits.maxConcurrent) return undefined;
    this.#active += 1;
    this.#changed();
    return this.#releaser();
  }

  /** Waits for a slot; rejects with 429 when the queue is full, or with the signal's reason. */
  acquire(signal?: AbortSignalLike): Promise<Release> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#active < this.#limits.maxConcurrent) {
      this.#active += 1;
      this.#changed();
      return Promise.resolve(this.#releaser());
    }
    if (this.#queue.length >= this.#limits.maxQueue) {
      const retryAfter = String(this.#limits.retryAfterSeconds ?? 1);
      return Promise.reject(
        new RequestError(
          429,
          `routellm is at its limit of ${this.#limits.maxConcurrent} concurrent upstream requests with ${this.#limits.maxQueue} waiting; retry after ${retryAfter} s`,
          { type: 'rate_limit_error', code: 'rate_limit_exceeded', headers: { 'retry-after': retryAfter } },
        ),
      );
    }
    return new Promise<Release>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          const index = this.#queue.indexOf(waiter);
          if (index >= 0) this.#queue.splice(index, 1);
          this.#changed();
          reject(signal?.reason);
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.#queue.push(waiter);
      this.#changed();
    });
  }

  #releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#queue.shift();
      if (next === undefined) {
        this.#active -= 1;
      } else {
        // The slot passes straight to the next waiter: active stays the same.
        next.signal?.removeEventListener('abort', next.onAbort);
        next.resolve(this.#releaser());
      }
      this.#changed();
    };
  }

  #changed(): void {
    this.onChange?.(this.#active, this.#queue.length);
  }
}
