import type { AbortSignalLike } from '../../upstream/light-abort.js';
import { UpstreamDeadline } from '../policy/upstream-deadline.js';
import type { ChatPipeline } from './chat-pipeline.js';
import type { RequestRecord } from './request-record.js';

/** What one upstream attempt is handed. */
export interface AttemptContext {
  /** Aborts on --ttfb-timeout, --timeout, --deadline or client disconnect: pass it to the upstream call. */
  readonly signal: AbortSignalLike;
  /** 1 for the routed model, 2 for the fallback. */
  readonly attempt: number;
  /** Call when the upstream's first byte that counts arrives: stops the first-byte clock and records TTFB. */
  firstByte(): void;
  /** Call for bytes that come before it (keep-alive comments): a stream's silence is counted from now. */
  activity(): void;
}

/** One upstream attempt: its deadline, its start time, and the AttemptContext handed to the caller. */
export class UpstreamAttempt implements AttemptContext {
  readonly deadline: UpstreamDeadline;
  readonly started: number;
  readonly pipeline: ChatPipeline;
  readonly #record: RequestRecord;
  readonly model: string;
  readonly attempt: number;

  constructor(pipeline: ChatPipeline, record: RequestRecord, model: string, attempt: number, clientSignal: AbortSignalLike, reserveForFallback: boolean) {
    this.pipeline = pipeline;
    this.#record = record;
    this.model = model;
    this.attempt = attempt;
    this.started = performance.now();
    // --timeout is each attempt's, within what --deadline has left of the whole request; an attempt
    // a fallback may follow must bring its first byte within half of that, so the other model keeps
    // the rest. --ttfb-timeout is a stream's only: a non-streamed answer's first byte comes when the
    // whole completion is written, so for it "first byte" means "done".
    const left = record.deadlineLeftMs();
    const timeoutMs = pipeline.options.timeoutMs;
    this.deadline = new UpstreamDeadline({
      totalMs: Math.min(timeoutMs, left),
      totalSource: left < timeoutMs ? '--deadline' : '--timeout',
      firstByteMs: reserveForFallback ? left / 2 : undefined,
      ttfbMs: record.stream === true ? pipeline.options.ttfbTimeoutMs : undefined,
      parent: clientSignal,
      model,
    });
  }

  get signal(): AbortSignalLike {
    return this.deadline.signal;
  }

  activity(): void {
    this.deadline.activity();
  }

  firstByte(): void {
    this.deadline.firstByte();
    const ttfb = performance.now() - this.started;
    this.#record.ttfbMs = ttfb;
    this.pipeline.observer.observeTimeToFirstByte(this.model, ttfb / 1000);
  }

  /** The attempt failed: abandon it, record its latency, and return the error to throw. */
  failed(error: unknown): unknown {
    const deadline = this.deadline;
    const expired = deadline.expired;
    deadline.abandon();
    this.pipeline.observer.observeUpstreamLatency(this.model, 'error', (performance.now() - this.started) / 1000);
    // The transport reports our abort as a generic abort: say which clock ran out instead.
    return expired ? deadline.signal.reason : error;
  }
}
