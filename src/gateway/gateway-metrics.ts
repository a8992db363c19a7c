import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { FailureReason } from './fallback-policy.js';

/** Seconds: from 5 ms (a local model's first byte) to 10 min (the default --timeout). */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

/** One finished request, as the server reports it to the metrics. */
export interface RequestObservation {
  /** Router name, or "none" when the request never got that far (bad input, auth). */
  readonly router: string;
  /** Model that answered, or that was routed to when none answered; "none" before routing. */
  readonly model: string;
  readonly status: number;
}

/**
 * The gateway's Prometheus metrics, on a Registry of their own (never prom-client's
 * global one), so two servers in one process, or two tests, never share counters.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'router' | 'model' | 'status'>;
  readonly routed: Counter<'router' | 'model'>;
  readonly routedShare: Gauge<'model'>;
  readonly fallbacks: Counter<'from' | 'to' | 'reason'>;
  readonly upstreamFailures: Counter<'model' | 'reason'>;
  readonly upstreamLatency: Histogram<'model' | 'outcome'>;
  readonly timeToFirstByte: Histogram<'model'>;
  readonly tokens: Counter<'model' | 'direction'>;
  readonly costUsd: Counter<'model'>;
  readonly strongOnlyCostUsd: Counter;
  readonly savingUsd: Gauge;
  readonly unpricedResponses: Counter<'model'>;
  readonly inFlight: Gauge;
  readonly upstreamInFlight: Gauge;
  readonly queued: Gauge;
  readonly rejected: Counter<'reason'>;
  readonly #routedCounts = new Map<string, number>();
  #routedTotal = 0;
  /** Label-set children, found once: prom-client hashes the label object on every call otherwise. */
  readonly #children = new Map<string, unknown>();
  /**
   * Where the in-flight and queue gauges read their values when scraped, so the hot path
   * keeps plain counters instead of setting gauges on every change. Unset: the gauges keep
   * whatever was `set` on them.
   */
  readonly sample: { inFlight?: () => number; upstreamInFlight?: () => number; queued?: () => number } = {};

  constructor(options: { defaultMetrics?: boolean; prefix?: string } = {}) {
    const p = options.prefix ?? 'routellm_';
    const registers = [this.registry];
    this.requests = new Counter({
      name: `${p}requests_total`,
      help: 'Chat completion requests answered, by router, answering model and HTTP status.',
      labelNames: ['router', 'model', 'status'],
      registers,
    });
    this.routed = new Counter({
      name: `${p}routed_total`,
      help: 'Routing decisions, by router and chosen model.',
      labelNames: ['router', 'model'],
      registers,
    });
    const routedCounts = this.#routedCounts;
    const routedTotal = () => this.#routedTotal;
    this.routedShare = new Gauge({
      name: `${p}routed_share`,
      help: 'Share of routing decisions that chose each model since start (0..1).',
      labelNames: ['model'],
      registers,
      // Computed when scraped: nothing to refresh per request.
      collect() {
        const total = routedTotal();
        for (const [model, count] of routedCounts) this.labels(model).set(count / total);
      },
    });
    this.fallbacks = new Counter({
      name: `${p}fallbacks_total`,
      help: 'Requests retried on the other model after the routed one failed before its first byte.',
      labelNames: ['from', 'to', 'reason'],
      registers,
    });
    this.upstreamFailures = new Counter({
      name: `${p}upstream_failures_total`,
      help: 'Failed upstream attempts, by model and reason.',
      labelNames: ['model', 'reason'],
      registers,
    });
    this.upstreamLatency = new Histogram({
      name: `${p}upstream_latency_seconds`,
      help: 'Duration of upstream attempts, until the last byte, in seconds.',
      labelNames: ['model', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.timeToFirstByte = new Histogram({
      name: `${p}upstream_ttfb_seconds`,
      help: 'Time from sending the upstream request to its response headers, in seconds.',
      labelNames: ['model'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.tokens = new Counter({
      name: `${p}tokens_total`,
      help: 'Tokens reported by upstream usage, by model and direction (input, output).',
      labelNames: ['model', 'direction'],
      registers,
    });
    this.costUsd = new Counter({
      name: `${p}cost_usd_total`,
      help: 'Spend in USD, from upstream usage and the price table, by model.',
      labelNames: ['model'],
      registers,
    });
    this.strongOnlyCostUsd = new Counter({
      name: `${p}strong_only_cost_usd_total`,
      help: 'What the same tokens would have cost had every call gone to the strong model, in USD.',
      registers,
    });
    this.savingUsd = new Gauge({
      name: `${p}saving_usd`,
      help: 'Strong-only cost minus actual cost since start, in USD (what routing saved).',
      registers,
    });
    this.unpricedResponses = new Counter({
      name: `${p}unpriced_responses_total`,
      help: 'Responses with usage from a model missing from the price table (not in the cost totals).',
      labelNames: ['model'],
      registers,
    });
    const sample = this.sample;
    this.inFlight = new Gauge({
      name: `${p}in_flight_requests`,
      help: 'Requests being handled now.',
      registers,
      collect() {
        if (sample.inFlight) this.set(sample.inFlight());
      },
    });
    this.upstreamInFlight = new Gauge({
      name: `${p}upstream_in_flight_requests`,
      help: 'Upstream calls holding a concurrency slot now.',
      registers,
      collect() {
        if (sample.upstreamInFlight) this.set(sample.upstreamInFlight());
      },
    });
    this.queued = new Gauge({
      name: `${p}queued_requests`,
      help: 'Requests waiting for an upstream slot.',
      registers,
      collect() {
        if (sample.queued) this.set(sample.queued());
      },
    });
    this.rejected = new Counter({
      name: `${p}rejected_requests_total`,
      help: 'Requests refused before reaching upstream, by reason (auth, bad_request, queue_full, ...).',
      labelNames: ['reason'],
      registers,
    });
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: p });
  }

  /** Records a routing decision (the routed share is computed from the counts when scraped). */
  observeRouted(router: string, model: string): void {
    this.#child(this.routed, `routed\0${router}\0${model}`, router, model).inc();
    this.#routedTotal += 1;
    this.#routedCounts.set(model, (this.#routedCounts.get(model) ?? 0) + 1);
  }

  /** Records a request's final status. */
  observeRequest(observation: RequestObservation): void {
    const { router, model, status } = observation;
    this.#child(this.requests, `requests\0${router}\0${model}\0${status}`, router, model, String(status)).inc();
  }

  /** Records how long an upstream attempt took, to its last byte. */
  observeUpstreamLatency(model: string, outcome: 'ok' | 'error', seconds: number): void {
    this.#child(this.upstreamLatency, `latency\0${model}\0${outcome}`, model, outcome).observe(seconds);
  }

  /** Records an upstream attempt's time to first byte. */
  observeTimeToFirstByte(model: string, seconds: number): void {
    this.#child(this.timeToFirstByte, `ttfb\0${model}`, model).observe(seconds);
  }

  /** Records a failed upstream attempt and, when another follows, the fallback. */
  observeFailure(model: string, reason: FailureReason, fallbackTo: string | undefined): void {
    this.upstreamFailures.inc({ model, reason });
    if (fallbackTo !== undefined) this.fallbacks.inc({ from: model, to: fallbackTo, reason });
  }

  /** Records token usage and its cost. */
  observeUsage(model: string, inputTokens: number, outputTokens: number, costUsd: number | undefined, strongOnlyUsd: number | undefined): void {
    this.#child(this.tokens, `tokens\0${model}\0input`, model, 'input').inc(inputTokens);
    this.#child(this.tokens, `tokens\0${model}\0output`, model, 'output').inc(outputTokens);
    if (costUsd === undefined) this.#child(this.unpricedResponses, `unpriced\0${model}`, model).inc();
    else this.#child(this.costUsd, `cost\0${model}`, model).inc(costUsd);
    if (strongOnlyUsd !== undefined) this.strongOnlyCostUsd.inc(strongOnlyUsd);
  }

  /**
   * The child of `metric` for these label values (in `labelNames` order), cached under `key`
   * (the metric's kind and the values, joined by NUL: built by the caller, no array per call).
   */
  #child<T>(metric: { labels(...values: string[]): T }, key: string, a: string, b?: string, c?: string): T {
    let child = this.#children.get(key) as T | undefined;
    if (child === undefined) {
      child = c !== undefined ? metric.labels(a, b as string, c) : b !== undefined ? metric.labels(a, b) : metric.labels(a);
      this.#children.set(key, child);
    }
    return child;
  }

  /** The Prometheus text exposition, for `GET /metrics`. */
  async text(): Promise<string> {
    return this.registry.metrics();
  }

  /** Content type of `text()`. */
  get contentType(): string {
    return this.registry.contentType;
  }
}
