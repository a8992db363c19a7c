import { UpstreamTimeoutError } from '../core/index.js';
import { LightAbort, type AbortSignalLike } from '../upstream/light-abort.js';

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
  readonly parent?: AbortSignalLike;
}

/**
 * The two clocks of one upstream attempt. `signal` aborts with an UpstreamTimeoutError
 * (HTTP 504) when the first byte is late or the whole request overruns, or with the
 * parent's reason when the client goes away. Call `firstByte()` when the upstream's
 * headers arrive and `dispose()` when the attempt ends, so no timer outlives it.
 *
 * Both clocks share one timer (a timer per request is a measurable part of the gateway's
 * cost): it is armed for the first-byte budget; `firstByte()` only notes the time, and when
 * the timer fires after the first byte it is re-armed for what is left of the total budget.
 */
export class UpstreamDeadline {
  // A LightAbort, not an AbortController: one per upstream attempt is on the hot path.
  readonly #controller = new LightAbort();
  #timer: NodeJS.Timeout | undefined;
  /** Which clock the timer is armed for. */
  #phase: 'ttfb' | 'total';
  #gotFirstByte = false;
  readonly #started: number;
  readonly #totalMs: number;
  readonly #ttfbMs: number;
  readonly #parent: AbortSignalLike | undefined;
  readonly #onParentAbort = () => this.#controller.abort(this.#parent?.reason);
  /** Which clock ran out, if one did. */
  expired: 'ttfb' | 'total' | undefined;

  constructor(options: DeadlineOptions) {
    this.#parent = options.parent;
    this.#totalMs = options.totalMs;
    this.#ttfbMs = options.ttfbMs;
    this.#started = performance.now();
    // A first-byte budget at least as long as the total one never runs out first.
    this.#phase = options.ttfbMs < options.totalMs ? 'ttfb' : 'total';
    this.#timer = setTimeout(onTimer, this.#phase === 'ttfb' ? options.ttfbMs : options.totalMs, this);
    // Timers must never keep a shutting-down process alive.
    this.#timer.unref();
    if (this.#parent?.aborted) this.#onParentAbort();
    else this.#parent?.addEventListener('abort', this.#onParentAbort, { once: true });
  }

  /** Aborts the upstream call when a clock runs out or the client leaves. */
  get signal(): AbortSignalLike {
    return this.#controller.signal;
  }

  /** The upstream answered: the first-byte clock no longer applies. */
  firstByte(): void {
    this.#gotFirstByte = true;
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
    this.#gotFirstByte = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#parent?.removeEventListener('abort', this.#onParentAbort);
  }

  /** The timer fired: the first byte is late, or (after it came) the total budget is spent or not yet. */
  fire(): void {
    this.#timer = undefined;
    if (this.#phase === 'ttfb' && this.#gotFirstByte) {
      this.#phase = 'total';
      const left = this.#totalMs - (performance.now() - this.#started);
      if (left > 0) {
        this.#timer = setTimeout(onTimer, Math.ceil(left), this);
        this.#timer.unref();
        return;
      }
    }
    this.#expire(this.#phase, this.#phase === 'ttfb' ? this.#ttfbMs : this.#totalMs);
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

/** One shared timer callback (no closure per request). */
function onTimer(deadline: UpstreamDeadline): void {
  deadline.fire();
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
