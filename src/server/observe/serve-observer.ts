import type { ChatObserver, RequestLogRecord, RequestObservation } from './chat-observer.js';
import type { GatewayMetrics } from './gateway-metrics.js';
import type { FailureReason } from '../policy/fallback-policy.js';
import type { RequestLog } from './request-log.js';

/** serve's watch over the chat pipeline: each observation into the Prometheus metrics, each finished request into the request log. */
export class ServeObserver implements ChatObserver {
  readonly #metrics: GatewayMetrics;
  readonly #log: RequestLog;

  constructor(metrics: GatewayMetrics, log: RequestLog) {
    this.#metrics = metrics;
    this.#log = log;
  }

  observeRouted(router: string, model: string): void {
    this.#metrics.observeRouted(router, model);
  }

  observeFailure(model: string, reason: FailureReason, fallbackTo: string | undefined): void {
    this.#metrics.observeFailure(model, reason, fallbackTo);
  }

  observeTimeToFirstByte(model: string, seconds: number): void {
    this.#metrics.observeTimeToFirstByte(model, seconds);
  }

  observeUpstreamLatency(model: string, outcome: 'ok' | 'error', seconds: number): void {
    this.#metrics.observeUpstreamLatency(model, outcome, seconds);
  }

  observeUsage(model: string, inputTokens: number, outputTokens: number, costUsd: number | undefined, strongOnlyUsd: number | undefined): void {
    this.#metrics.observeUsage(model, inputTokens, outputTokens, costUsd, strongOnlyUsd);
  }

  observeUsageUnknown(model: string): void {
    this.#metrics.observeUsageUnknown(model);
  }

  observeRejected(reason: string): void {
    this.#metrics.observeRejected(reason);
  }

  observeRequest(observation: RequestObservation): void {
    this.#metrics.observeRequest(observation);
  }

  logRequest(record: RequestLogRecord): void {
    this.#log.request(record);
  }
}
