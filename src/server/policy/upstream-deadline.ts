import { UpstreamTimeoutError } from '../../core/index.js';
import { LightAbort, type AbortSignalLike } from '../../upstream/light-abort.js';

/**
 * Default `--deadline`: one request's whole budget (queue, attempts, fallback), in ms. Under the
 * OpenAI SDK's own 600 s, so its client hears a clear 504 from the gateway before it gives up itself.
 */
export const DEFAULT_DEADLINE_MS = 540_000;

/** Default `--ttfb-timeout`: the longest a stream may stay silent (before its first event and between events), in ms. */
export const DEFAULT_TTFB_TIMEOUT_MS = 60_000;

export interface DeadlineOptions {
  /** The attempt's whole budget (--timeout), in ms. */
  readonly totalMs: number;
  /**
   * The --ttfb-timeout, in ms, for a stream: the longest the upstream may stay silent, before its
   * first event and between events. Undefined for a non-streamed answer, whose headers come only
   * once the whole completion is written: for it only the total budget applies.
   */
  readonly ttfbMs?: number | undefined;
  /** The client's own signal: its abort aborts the upstream call too. */
  readonly parent?: AbortSignalLike;
  /** What set `totalMs`, as the timeout's message names it: `--timeout` (default) or `--deadline` (what the request had left). */
  readonly totalSource?: '--timeout' | '--deadline';
  /**
   * The latest the first byte that counts may come, in ms, whatever keep-alive comments came before it: set
   * when a fallback may still follow, so that the other model keeps half of what --deadline had left.
   */
  readonly firstByteMs?: number | undefined;
  /**
   * The model this attempt calls, named at the head of the timeout's message (`model "x": ...`), as
   * every other upstream failure is: after a fallback the client reads both models' reasons in one line.
   */
  readonly model?: string | undefined;
}

/** Which clock ran out: the first byte's (silence, or the fallback's reserve), a stream's silence between events, or the whole budget. */
export type ExpiredClock = 'ttfb' | 'first_byte' | 'idle' | 'total';

/**
 * The clocks of one upstream attempt. `signal` aborts with an UpstreamTimeoutError (HTTP 504)
 * when a stream's first byte is late, a stream goes silent, or the attempt's budget is spent, or with
 * the parent's reason when the client goes away. Call `firstByte()` when the upstream's first
 * byte that counts arrives, `activity()` for each later chunk of a stream, and `dispose()` when
 * the attempt ends, so no timer outlives it.
 *
 * All clocks share one timer (a timer per request is a measurable part of the gateway's cost),
 * armed for the nearer of the silence and total limits; `firstByte()` and `activity()` only note
 * the time, and when the timer fires it either expires a clock or re-arms for the next check.
 */
export class UpstreamDeadline {
  // A LightAbort, not an AbortController: one per upstream attempt is on the hot path.
  readonly #controller = new LightAbort();
  #timer: NodeJS.Timeout | undefined;
  #gotFirstByte = false;
  #waitingOnClient = false;
  #lastActivity: number;
  readonly #endsAt: number;
  readonly #totalMs: number;
  readonly #ttfbMs: number | undefined;
  readonly #totalSource: string;
  /** performance.now() by which the first byte must come; Infinity when no fallback needs a reserve. */
  readonly #firstByteBy: number;
  readonly #firstByteMs: number;
  readonly #parent: AbortSignalLike | undefined;
  readonly #model: string | undefined;
  readonly #onParentAbort = () => this.#controller.abort(this.#parent?.reason);
  /** Which clock ran out, if one did. */
  expired: ExpiredClock | undefined;

  constructor(options: DeadlineOptions) {
    this.#parent = options.parent;
    this.#model = options.model;
    this.#totalMs = options.totalMs;
    // A silence limit no shorter than the whole budget never runs out first.
    this.#ttfbMs = options.ttfbMs === undefined ? undefined : Math.min(options.ttfbMs, options.totalMs);
    this.#totalSource = options.totalSource ?? '--timeout';
    const started = performance.now();
    this.#lastActivity = started;
    this.#endsAt = started + options.totalMs;
    this.#firstByteMs = options.firstByteMs !== undefined && options.firstByteMs < options.totalMs ? options.firstByteMs : Number.POSITIVE_INFINITY;
    this.#firstByteBy = started + this.#firstByteMs;
    this.#arm(Math.min(this.#ttfbMs ?? options.totalMs, options.totalMs, this.#firstByteMs));
    if (this.#parent?.aborted) this.#onParentAbort();
    else this.#parent?.addEventListener('abort', this.#onParentAbort, { once: true });
  }

  /** Aborts the upstream call when a clock runs out or the client leaves. */
  get signal(): AbortSignalLike {
    return this.#controller.signal;
  }

  /** The upstream answered: the first-byte clock no longer applies; a stream's silence is counted from now. */
  firstByte(): void {
    this.#gotFirstByte = true;
    this.#lastActivity = performance.now();
  }

  /** Bytes came, or the gateway is about to read the stream again: its silence is counted from now. */
  activity(): void {
    this.#lastActivity = performance.now();
    this.#waitingOnClient = false;
  }

  /** The gateway waits for a slow client to take what it has: the upstream is not silent meanwhile. */
  waitingOnClient(): void {
    this.#waitingOnClient = true;
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

  /** The timer fired: a clock ran out, or the stream was heard from since and the check moves on. */
  fire(): void {
    this.#timer = undefined;
    const now = performance.now();
    const totalLeft = this.#endsAt - now;
    // Timers fire on whole milliseconds: within one of the end counts as the end.
    if (totalLeft < 1) return this.#expire('total');
    // Keep-alive comments do not move this one: an upstream that only ever pings must still leave the fallback time.
    const firstByteLeft = this.#gotFirstByte ? Number.POSITIVE_INFINITY : this.#firstByteBy - now;
    if (firstByteLeft < 1) return this.#expire('first_byte');
    const ttfb = this.#ttfbMs;
    if (ttfb === undefined) return this.#arm(Math.min(totalLeft, firstByteLeft));
    if (this.#waitingOnClient) return this.#arm(Math.min(ttfb, totalLeft));
    // Silence is the same before the first event and after it: no bytes at all (a keep-alive
    // comment while the first token is slow is not silence).
    const silence = now - this.#lastActivity;
    if (silence >= ttfb - 1) return this.#expire(this.#gotFirstByte ? 'idle' : 'ttfb');
    this.#arm(Math.min(ttfb - silence, totalLeft, firstByteLeft));
  }

  #arm(ms: number): void {
    this.#timer = setTimeout(onTimer, Math.max(1, Math.ceil(ms)), this);
    // Timers must never keep a shutting-down process alive.
    this.#timer.unref();
  }

  #expire(which: ExpiredClock): void {
    if (this.#controller.signal.aborted) return;
    this.expired = which;
    const ttfb = formatSeconds(this.#ttfbMs ?? 0);
    const reason =
      which === 'ttfb'
        ? `the upstream model sent no response within ${ttfb} (--ttfb-timeout)`
        : which === 'first_byte'
          ? `the upstream model sent no first event or answer within ${formatSeconds(this.#firstByteMs)}, half of what --deadline had left, kept for the fallback`
          : which === 'idle'
            ? `the upstream stream sent nothing for ${ttfb} (--ttfb-timeout)`
            : this.#totalSource === '--deadline'
              ? `the request did not finish within its --deadline (${formatSeconds(this.#totalMs)} were left for this attempt)`
              : `the upstream request did not finish within ${formatSeconds(this.#totalMs)} (--timeout)`;
    const message = this.#model === undefined ? reason : `model "${this.#model}": ${reason}`;
    this.#controller.abort(new UpstreamTimeoutError(message));
  }
}

/** One shared timer callback (no closure per request). */
function onTimer(deadline: UpstreamDeadline): void {
  deadline.fire();
}

function formatSeconds(ms: number): string {
  const whole = Math.round(ms);
  return whole % 1000 === 0 ? `${whole / 1000} s` : `${whole} ms`;
}
