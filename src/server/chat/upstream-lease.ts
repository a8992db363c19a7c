import type { AbortSignalLike } from '../../upstream/light-abort.js';
import type { FallbackOutcome } from '../policy/fallback-policy.js';
import type { UpstreamAttempt } from './upstream-attempt.js';

/** A successful upstream call, holding its concurrency slot and deadline until `end()`. */
export interface UpstreamLease<T> extends FallbackOutcome<T> {
  /** The answering attempt's signal: still aborts if --timeout runs out while the body streams. */
  readonly signal: AbortSignalLike;
  /**
   * The error to report for a failure while relaying the body: the deadline's
   * UpstreamTimeoutError when --timeout ran out, else `error` itself.
   */
  explain(error: unknown): unknown;
  /** About to read the stream again: its silence (--ttfb-timeout) is counted from now. */
  activity(): void;
  /** Waiting for a slow reader to take what it has: the stream's silence clock stops until `activity()`. */
  waitingOnClient(): void;
  /** The body is relayed (or abandoned): free the slot, stop the clocks, record latency. Idempotent. */
  end(outcome?: 'ok' | 'error'): void;
}

/** The answering attempt, holding its slot and deadline until `end()`. */
export class Lease<T> implements UpstreamLease<T> {
  readonly value: T;
  readonly model: string;
  readonly attempts: number;
  readonly fallbackFrom: string | undefined;
  readonly tried: readonly string[] | undefined;
  readonly #attempt: UpstreamAttempt;
  readonly #release: () => void;
  #ended = false;

  constructor(outcome: FallbackOutcome<T>, attempt: UpstreamAttempt, release: () => void) {
    this.value = outcome.value;
    this.model = outcome.model;
    this.attempts = outcome.attempts;
    this.fallbackFrom = outcome.fallbackFrom;
    this.tried = outcome.tried;
    this.#attempt = attempt;
    this.#release = release;
  }

  get signal(): AbortSignalLike {
    return this.#attempt.deadline.signal;
  }

  activity(): void {
    this.#attempt.deadline.activity();
  }

  waitingOnClient(): void {
    this.#attempt.deadline.waitingOnClient();
  }

  explain(error: unknown): unknown {
    const deadline = this.#attempt.deadline;
    return deadline.expired ? deadline.signal.reason : error;
  }

  end(result: 'ok' | 'error' = 'ok'): void {
    if (this.#ended) return;
    this.#ended = true;
    const attempt = this.#attempt;
    attempt.deadline.dispose();
    this.#release();
    attempt.pipeline.observer.observeUpstreamLatency(this.model, result, (performance.now() - attempt.started) / 1000);
  }
}
