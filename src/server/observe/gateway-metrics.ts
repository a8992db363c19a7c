import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { FailureReason } from '../policy/fallback-policy.js';
import type { RequestObservation } from './chat-observer.js';

/** Seconds: from 5 ms (a local model's first byte) to 10 min (the default --timeout). */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

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
  readonly usageUnknown: Counter<'model'>;
  readonly inFlight: Gauge;
  readonly upstreamInFlight: Gauge;
  readonly queued: Gauge;
  readonly rejected: Counter<'reason'>;
  readonly routingDegraded: Gauge<'model'>;
  readonly fallbackShare: Gauge<'model'>;
  /** Over a list of models only (registered then): each model's bill for the same tokens. */
  singleModelSpendUsd: Gauge<'model'> | undefined;
  readonly #routedCounts = new Map<string, number>();
  #routedTotal = 0;
  /**
   * The per-request series, counted in plain numbers and handed to prom-client when scraped:
   * a prom-client child still hashes and validates its label object on every call, about a
   * dozen times per request.
   */
  readonly #routedSeries = new SeriesTable((values) => new CountedSeries(this.routed.labels(...values)));
  readonly #requestSeries = new SeriesTable((values) => new CountedSeries(this.requests.labels(...values)));
  readonly #tokenSeries = new SeriesTable((values) => new CountedSeries(this.tokens.labels(...values)));
  readonly #strongOnlyName: string;
  readonly #costSeries = new SeriesTable((values) => new CountedSeries(this.costUsd.labels(...values)));
  readonly #unpricedSeries = new SeriesTable((values) => new CountedSeries(this.unpricedResponses.labels(...values)));
  readonly #usageUnknownSeries = new SeriesTable((values) => new CountedSeries(this.usageUnknown.labels(...values)));
  readonly #strongOnlySeries = new CountedSeries({ inc: (value) => this.strongOnlyCostUsd.inc(value) });
  readonly #latencySeries = new SeriesTable(([model, outcome]) => new TimedSeries(this.upstreamLatency, { model: model as string, outcome: outcome as string }));
  readonly #ttfbSeries = new SeriesTable(([model]) => new TimedSeries(this.timeToFirstByte, { model: model as string }));
  /**
   * Where the in-flight, queue and saving gauges read their values when scraped, so the hot
   * path keeps plain numbers instead of setting gauges on every change. Unset: the gauges
   * keep whatever was `set` on them. A saving of undefined (unknown) reads NaN.
   */
  readonly sample: {
    inFlight?: () => number;
    upstreamInFlight?: () => number;
    queued?: () => number;
    savingUsd?: () => number | undefined;
    /** Each routed model's fallback share over the degradation window, and whether it is degraded. */
    routingHealth?: () => Iterable<{ model: string; share: number; degraded: boolean }>;
    /** Over a list of models: each model's bill for the tokens served (see watchSingleModelBills). */
    singleModelBills?: () => Iterable<{ model: string; usd: number }>;
  } = {};
  readonly #prefix: string;

  constructor(options: { defaultMetrics?: boolean; prefix?: string } = {}) {
    // Every metric fed by the plain-number series flushes them when it is collected, so a scrape,
    // or any reader of one metric's values, sees them up to date.
    const flush = () => this.#flush();
    const p = options.prefix ?? 'routellm_';
    this.#prefix = p;
    const registers = [this.registry];
    this.requests = new Counter({
      name: `${p}requests_total`,
      help: 'Chat completion requests answered, by router, answering model and HTTP status.',
      labelNames: ['router', 'model', 'status'],
      registers,
      collect: flush,
    });
    this.routed = new Counter({
      name: `${p}routed_total`,
      help: 'Routing decisions, by router and chosen model.',
      labelNames: ['router', 'model'],
      registers,
      collect: flush,
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
      collect: flush,
    });
    this.timeToFirstByte = new Histogram({
      name: `${p}upstream_ttfb_seconds`,
      help: 'Time from sending the upstream request to its response headers, in seconds.',
      labelNames: ['model'],
      buckets: LATENCY_BUCKETS,
      registers,
      collect: flush,
    });
    this.tokens = new Counter({
      name: `${p}tokens_total`,
      help: 'Tokens reported by upstream usage, by model and direction (input, output).',
      labelNames: ['model', 'direction'],
      registers,
      collect: flush,
    });
    this.costUsd = new Counter({
      name: `${p}cost_usd_total`,
      help: 'Spend in USD, from upstream usage and the price table, by model.',
      labelNames: ['model'],
      registers,
      collect: flush,
    });
    this.#strongOnlyName = `${p}strong_only_cost_usd_total`;
    this.strongOnlyCostUsd = new Counter({
      name: this.#strongOnlyName,
      help: 'What the same tokens would have cost had every call gone to the strong model, in USD.',
      registers,
      collect: flush,
    });
    const sampled = this.sample;
    this.savingUsd = new Gauge({
      name: `${p}saving_usd`,
      aggregator: 'sum',
      help: 'Strong-only cost minus actual cost since start, in USD (what routing saved); NaN (unknown) once a request came from a model without a price, and always when the strong model has none.',
      registers,
      collect() {
        // NaN, not a figure: a model without a price would count as free and overstate the saving.
        if (sampled.savingUsd) this.set(sampled.savingUsd() ?? Number.NaN);
      },
    });
    this.unpricedResponses = new Counter({
      name: `${p}unpriced_responses_total`,
      help: 'Responses with usage from a model missing from the price table (not in the cost totals).',
      labelNames: ['model'],
      registers,
      collect: flush,
    });
    this.usageUnknown = new Counter({
      name: `${p}usage_unknown_requests_total`,
      help: 'Answered requests without usage totals (a stream cut short, an upstream that sends none): tokens and cost unknown.',
      labelNames: ['model'],
      registers,
      collect: flush,
    });
    const sample = this.sample;
    this.inFlight = new Gauge({
      name: `${p}in_flight_requests`,
      aggregator: 'sum',
      help: 'Requests being handled now (not counting the /metrics scrape itself).',
      registers,
      collect() {
        if (sample.inFlight) this.set(sample.inFlight());
      },
    });
    this.upstreamInFlight = new Gauge({
      name: `${p}upstream_in_flight_requests`,
      aggregator: 'sum',
      help: 'Upstream calls holding a concurrency slot now.',
      registers,
      collect() {
        if (sample.upstreamInFlight) this.set(sample.upstreamInFlight());
      },
    });
    this.queued = new Gauge({
      name: `${p}queued_requests`,
      aggregator: 'sum',
      help: 'Requests waiting for an upstream slot.',
      registers,
      collect() {
        if (sample.queued) this.set(sample.queued());
      },
    });
    this.rejected = new Counter({
      name: `${p}rejected_requests_total`,
      help: 'Requests refused before reaching upstream, by reason (auth, bad_request, too_large, slow_client, queue_full, router_error).',
      labelNames: ['reason'],
      registers,
    });
    this.routingDegraded = new Gauge({
      name: `${p}routing_degraded`,
      aggregator: 'max',
      help: "1 while more than --degraded-share of the model's calls fell back over --degraded-window, else 0.",
      labelNames: ['model'],
      registers,
      collect() {
        for (const entry of sample.routingHealth?.() ?? []) this.labels(entry.model).set(entry.degraded ? 1 : 0);
      },
    });
    this.fallbackShare = new Gauge({
      name: `${p}fallback_share`,
      aggregator: 'average',
      help: "Share of the model's routed calls that fell back to the other model over --degraded-window (0..1).",
      labelNames: ['model'],
      registers,
      collect() {
        for (const entry of sample.routingHealth?.() ?? []) this.labels(entry.model).set(entry.share);
      },
    });
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: p });
  }

  /**
   * Over a list of models: registers `routellm_single_model_spend_usd{model}`, what the tokens served
   * would have cost on each model alone (the all-strongest bill is the reference's, the best single
   * model's is its row), read from `sample.singleModelBills` when scraped. Not registered for a pair.
   */
  watchSingleModelBills(): void {
    if (this.singleModelSpendUsd) return;
    const sample = this.sample;
    this.singleModelSpendUsd = new Gauge({
      name: `${this.#prefix}single_model_spend_usd`,
      help: 'Over a list of models: the tokens served priced at each model alone, in USD (compare with cost_usd_total; the reference is the all-strongest bill).',
      labelNames: ['model'],
      registers: [this.registry],
      collect() {
        for (const entry of sample.singleModelBills?.() ?? []) this.labels(entry.model).set(entry.usd);
      },
    });
  }

  /** Records a routing decision (the routed share is computed from the counts when scraped). */
  observeRouted(router: string, model: string): void {
    this.#routedSeries.at(router, model).add(1);
    this.#routedTotal += 1;
    this.#routedCounts.set(model, (this.#routedCounts.get(model) ?? 0) + 1);
  }

  /** Records a request's final status. */
  observeRequest(observation: RequestObservation): void {
    const { router, model, status } = observation;
    this.#requestSeries.at(router, model, status).add(1);
  }

  /** Records how long an upstream attempt took, to its last byte. */
  observeUpstreamLatency(model: string, outcome: 'ok' | 'error', seconds: number): void {
    this.#latencySeries.at(model, outcome).observe(seconds);
  }

  /** Records an upstream attempt's time to first byte. */
  observeTimeToFirstByte(model: string, seconds: number): void {
    this.#ttfbSeries.at(model).observe(seconds);
  }

  /** Records a request refused before upstream, by reason. */
  observeRejected(reason: string): void {
    this.rejected.inc({ reason });
  }

  /** Records a failed upstream attempt and, when another follows, the fallback. */
  observeFailure(model: string, reason: FailureReason, fallbackTo: string | undefined): void {
    this.upstreamFailures.inc({ model, reason });
    if (fallbackTo !== undefined) this.fallbacks.inc({ from: model, to: fallbackTo, reason });
  }

  /**
   * The strong model has no price: the strong-only cost is unknown, so its counter is not exported
   * at all (a 0 would read as "strong-only cost $0"), as the stats say null.
   */
  omitStrongOnlyCost(): void {
    this.registry.removeSingleMetric(this.#strongOnlyName);
  }

  /** Records token usage and its cost. */
  observeUsage(model: string, inputTokens: number, outputTokens: number, costUsd: number | undefined, strongOnlyUsd: number | undefined): void {
    this.#tokenSeries.at(model, 'input').add(inputTokens);
    this.#tokenSeries.at(model, 'output').add(outputTokens);
    if (costUsd === undefined) this.#unpricedSeries.at(model).add(1);
    else this.#costSeries.at(model).add(costUsd);
    if (strongOnlyUsd !== undefined) this.#strongOnlySeries.add(strongOnlyUsd);
  }

  /** Records an answered request whose usage (so tokens and cost) is unknown. */
  observeUsageUnknown(model: string): void {
    this.#usageUnknownSeries.at(model).add(1);
  }

  /** Hands what the plain-number series counted since the last scrape to prom-client. */
  #flush(): void {
    for (const table of [this.#routedSeries, this.#requestSeries, this.#tokenSeries, this.#costSeries, this.#unpricedSeries, this.#usageUnknownSeries, this.#latencySeries, this.#ttfbSeries]) {
      for (const series of table.all) series.flush();
    }
    this.#strongOnlySeries.flush();
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

type LabelValue = string | number;

/**
 * Series by label values in nested maps: a lookup hashes strings the caller already holds
 * (their hashes cached), where a joined key would be a new string to build and hash per call.
 */
class SeriesTable<T> {
  readonly #root = new Map<LabelValue, unknown>();
  readonly #make: (values: string[]) => T;
  /** Every series made, for the scrape. */
  readonly all: T[] = [];

  constructor(make: (values: string[]) => T) {
    this.#make = make;
  }

  /** The series for these label values, in `labelNames` order (made on first use). */
  at(a: LabelValue, b?: LabelValue, c?: LabelValue): T {
    let map = this.#root;
    if (b !== undefined) map = childMap(map, a);
    if (c !== undefined) map = childMap(map, b as LabelValue);
    const last = c ?? b ?? a;
    let series = map.get(last) as T | undefined;
    if (series === undefined) {
      series = this.#make([a, b, c].filter((value) => value !== undefined).map(String));
      map.set(last, series);
      this.all.push(series);
    }
    return series;
  }
}

function childMap(map: Map<LabelValue, unknown>, key: LabelValue): Map<LabelValue, unknown> {
  let child = map.get(key) as Map<LabelValue, unknown> | undefined;
  if (child === undefined) {
    child = new Map();
    map.set(key, child);
  }
  return child;
}

/** A counter series on the hot path: a plain number, added to prom-client's counter when scraped. */
class CountedSeries {
  readonly #child: { inc(value: number): void };
  #pending = 0;
  #touched = false;

  constructor(child: { inc(value: number): void }) {
    this.#child = child;
  }

  add(value: number): void {
    this.#pending += value;
    this.#touched = true;
  }

  flush(): void {
    if (!this.#touched) return;
    // Even an increase of 0 is handed over: prom-client then shows the series (at 0), as it did when counted directly.
    this.#child.inc(this.#pending);
    this.#pending = 0;
    this.#touched = false;
  }
}

/** prom-client's record of one histogram series (lib/histogram.js): bucket counts by upper bound, sum, count. */
interface PromHistogramSeries {
  readonly labels: Record<string, string | number>;
  readonly bucketValues: Record<string, number>;
  sum: number;
  count: number;
}

/**
 * A histogram series on the hot path: bucket counts, sum and count in plain numbers, added to
 * prom-client's record of the series when scraped. prom-client has no public call to add
 * many observations at once, so this writes its series record (the shape its own
 * `observe` writes); test/server/observe/gateway-metrics.test.ts checks the exposition.
 */
class TimedSeries {
  readonly #histogram: Histogram<string>;
  readonly #labels: Record<string, string>;
  readonly #counts: number[];
  #sum = 0;
  #count = 0;

  constructor(histogram: Histogram<string>, labels: Record<string, string>) {
    this.#histogram = histogram;
    this.#labels = labels;
    this.#counts = LATENCY_BUCKETS.map(() => 0);
  }

  observe(seconds: number): void {
    // The first bucket whose upper bound holds the value, as prom-client's own observe picks it.
    for (let index = 0; index < LATENCY_BUCKETS.length; index += 1) {
      if (seconds <= (LATENCY_BUCKETS[index] as number)) {
        this.#counts[index] = (this.#counts[index] as number) + 1;
        break;
      }
    }
    this.#sum += seconds;
    this.#count += 1;
  }

  flush(): void {
    if (this.#count === 0) return;
    const target = this.#record();
    LATENCY_BUCKETS.forEach((bound, index) => {
      target.bucketValues[bound] = (target.bucketValues[bound] ?? 0) + (this.#counts[index] as number);
      this.#counts[index] = 0;
    });
    target.sum += this.#sum;
    target.count += this.#count;
    this.#sum = 0;
    this.#count = 0;
  }

  /** prom-client's record of this label set, made (at zero) when it has none yet. */
  #record(): PromHistogramSeries {
    const find = () =>
      Object.values((this.#histogram as unknown as { hashMap: Record<string, PromHistogramSeries> }).hashMap).find((series) =>
        Object.entries(this.#labels).every(([name, value]) => series.labels[name] === value),
      );
    let record = find();
    if (record === undefined) {
      this.#histogram.zero(this.#labels);
      record = find() as PromHistogramSeries;
    }
    return record;
  }
}
