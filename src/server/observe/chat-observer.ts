import type { ListChoice } from '../../core/index.js';
import type { FailureReason } from '../policy/fallback-policy.js';

/** One finished request: the fields of its log line. Only what is listed here is ever logged. */
export interface RequestLogRecord {
  readonly requestId: string;
  /** The client's own x-request-id, when it sent one. */
  readonly clientRequestId?: string | undefined;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly latencyMs: number;
  readonly router?: string | undefined;
  readonly threshold?: number | undefined;
  readonly strongWinRate?: number | undefined;
  /** A budget's cold-start probe: strong below the threshold, to measure a strong call's cost (logged as budget_probe). */
  readonly budgetProbe?: true | undefined;
  /** Over a list of models: every model's predicted quality (logged as model -> quality). */
  readonly qualities?: ListChoice | undefined;
  /** The model routed to. */
  readonly routedModel?: string | undefined;
  /** The model that answered (differs after a fallback). */
  readonly model?: string | undefined;
  readonly attempts?: number | undefined;
  readonly fallbackFrom?: string | undefined;
  readonly stream?: boolean | undefined;
  readonly ttfbMs?: number | undefined;
  readonly inputTokens?: number | undefined;
  readonly outputTokens?: number | undefined;
  readonly costUsd?: number | undefined;
  /**
   * What went wrong, for 4xx/5xx and for a stream that failed after its 200: the message sent
   * to the client, without the upstream's own words unless --log-prompts (logged-error.ts).
   */
  readonly error?: string | undefined;
  /** The routing text; logged only with `--log-prompts`. */
  readonly prompt?: string | undefined;
}

/** One finished chat request, as the request counter labels it. */
export interface RequestObservation {
  /** Router name, or "none" when the request never got that far (bad input, auth). */
  readonly router: string;
  /** Model that answered, or that was routed to when none answered; "none" before routing. */
  readonly model: string;
  readonly status: number;
}

/**
 * What the chat pipeline tells whoever watches it. `serve` watches with its Prometheus metrics and
 * request log (serve-observer.ts); in-process nobody does unless asked, and the pipeline's own spend
 * and routing-health bookkeeping (the stats) runs either way.
 */
export interface ChatObserver {
  observeRouted(router: string, model: string): void;
  /** A failed upstream attempt and, when another follows, the fallback. */
  observeFailure(model: string, reason: FailureReason, fallbackTo: string | undefined): void;
  observeTimeToFirstByte(model: string, seconds: number): void;
  observeUpstreamLatency(model: string, outcome: 'ok' | 'error', seconds: number): void;
  observeUsage(model: string, inputTokens: number, outputTokens: number, costUsd: number | undefined, strongOnlyUsd: number | undefined): void;
  /** An answered request whose usage (so tokens and cost) is unknown. */
  observeUsageUnknown(model: string): void;
  /** A request refused before reaching upstream, by reason (auth, bad_request, too_large, slow_client, queue_full, router_error). */
  observeRejected(reason: string): void;
  /** A chat request's final status. */
  observeRequest(observation: RequestObservation): void;
  /** The finished request's log line. */
  logRequest(record: RequestLogRecord): void;
}

/** Nobody watching: the in-process default. */
export const SILENT_OBSERVER: ChatObserver = {
  observeRouted() {},
  observeFailure() {},
  observeTimeToFirstByte() {},
  observeUpstreamLatency() {},
  observeUsage() {},
  observeUsageUnknown() {},
  observeRejected() {},
  observeRequest() {},
  logRequest() {},
};

/**
 * Where the pipeline's warn and info lines go (a fallback, routing degraded or recovered, a model
 * without a price, serve --verbose's decisions): a pino logger, or anything with its two methods.
 */
export interface ChatLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}
