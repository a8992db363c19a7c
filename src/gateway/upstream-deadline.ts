import { UpstreamTimeoutError } from '../core/index.js';

/** Default `--timeout`: a whole upstream request, streams included, in milliseconds. */
export const DEFAULT_TIMEOUT_MS = 600_000;
/** Default `--ttfb-timeout`: from sending the request to the upstream's first byte, in milliseconds. */
export const DEFAULT_TTFB_TIMEOUT_MS = 60_000;

export interface DeadlineOptions {
  /** Whole-request budget in ms. */
  readonly totalMs: number;
  /** Time-to-first-byte budget in ms. */
  readonly ttfbMs: number;
  /** The client's own signal: its abort aborts the upstream call too. */
  readonly parent?: AbortSignal;
}

/**
 * The two clocks of one upstream attempt. `signal` aborts with an UpstreamTimeoutError
 * (HTTP 504) when the first byte is late or the whole request overruns, or with the
 * parent's reason when the client goes away. Call `firstByte()` when the upstream's
 * headers arrive and `dispose()` when the attempt ends, so no timer outlives it.
 */
export class UpstreamDeadline {
  readonly #controller = new AbortController();
  readonly #totalTimer: NodeJS.Timeout;
  #ttfbTimer: NodeJS.Timeout | undefined;
  readonly #parent: AbortSignal | undefined;
  readonly #onParentAbort = () => this.#controller.abort(this.#parent?.reason);
  /** Which clock ran out, if one did. */
  expired: 'ttfb' | 'total' | undefined;

  constructor(options: DeadlineOptions) {
    this.#parent = options.parent;
    this.#totalTimer = setTimeout(() => this.#expire('total', options.totalMs), options.totalMs);
    this.#ttfbTimer = setTimeout(() => this.#expire('ttfb', options.ttfbMs), Math.min(options.ttfbMs, options.totalMs));
    // Timers must never keep a shutting-down process alive.
    this.#totalTimer.unref();
    this.#ttfbTimer.unref();
    if (this.#parent?.aborted) this.#onParentAbort();
    else this.#parent?.addEventListener('abort', this.#onParentAbort, { once: true });
  }

  /** Aborts the upstream call when a clock runs out or the client leaves. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** The upstream answered: stop the first-byte clock. */
  firstByte(): void {
    if (this.#ttfbTimer !== undefined) clearTimeout(this.#ttfbTimer);
    this.#ttfbTimer = undefined;
  }

  /**
   * The attempt failed and its answer will not be read: abort it, so the transport closes the
   * upstream response instead of leaving it open (an upstream that sent garbage and kept the
   * connection would otherwise hold it forever).
   */
  abandon(): void {
    if (!this.#controller.signal.aborted) this.#controller.abort(new Error('the gateway abandoned this upstream attempt'));
    this.dispose();
  }

  /** The attempt is over: stop every clock and detach from the client's signal. */
  dispose(): void {
    clearTimeout(this.#totalTimer);
    this.firstByte();
    this.#parent?.removeEventListener('abort', this.#onParentAbort);
  }

  #expire(which: 'ttfb' | 'total', ms: number): void {
    if (this.#controller.signal.aborted) return;
    this.expired = which;
    const message =
      which === 'ttfb'
        ? `the upstream model sent no response within ${formatSeconds(ms)} (--ttfb-timeout)`
        : `the upstream request did not finish within ${formatSeconds(ms)} (--timeout)`;
    this.#controller.abort(new UpstreamTimeoutError(message));
  }
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
