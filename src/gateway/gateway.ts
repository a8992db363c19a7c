import type { IncomingMessage } from 'node:http';
import type { DestinationStream } from 'pino';
import type { ModelPair, RoutingDecision } from '../core/index.js';
import { ApiKeyAuth } from './api-key-auth.js';
import { ConcurrencyLimiter } from './concurrency-limiter.js';
import { callWithFallback, FALLBACK_REASONS, failureReason, otherModel, type FailureReason, type FallbackOutcome } from './fallback-policy.js';
import { RequestError } from '../server/request-error.js';
import { GatewayMetrics } from './gateway-metrics.js';
import type { GatewayOptions } from './gateway-options.js';
import { loggedError } from './logged-error.js';
import { PriceTable, readUsage } from './price-table.js';
import { RequestLog } from './request-log.js';
import { RoutingHealth, type HealthChange } from './routing-health.js';
import { checkHeaderCount, checkHostHeader, rejectedReason } from './server-limits.js';
import { registerShareMetrics, shareStatsJson, type ShareStatsJson, type ShareStatsSource } from './share-metrics.js';
import { SpendTracker, type SpendStats } from './spend-tracker.js';
import { UpstreamDeadline } from './upstream-deadline.js';
import { LightAbort, type AbortSignalLike } from '../upstream/light-abort.js';
import { UpstreamTimeoutError } from '../core/index.js';

export interface GatewayDeps {
  readonly pair: ModelPair;
  /** Where request log lines go; stderr when absent. */
  readonly logDestination?: DestinationStream;
  /** The serve logger to use (its start-up lines already went through it); made from `logDestination` when absent. */
  readonly log?: RequestLog;
  /** Wall clock for the stats' `since`; injected so tests can pin it. */
  readonly now?: () => Date;
  /** Collect prom-client's process metrics (RSS, CPU, event loop); on by default. */
  readonly defaultMetrics?: boolean;
  /** Monotonic milliseconds for the degradation window; injected so tests can move time. */
  readonly clock?: () => number;
  /** Live shares (serve's ShareCalibrator), reported in /metrics and the stats. */
  readonly shares?: ShareStatsSource;
}

/** What one upstream attempt is handed. */
export interface AttemptContext {
  /** Aborts on --ttfb-timeout, --timeout or client disconnect: pass it to the upstream call. */
  readonly signal: AbortSignalLike;
  /** 1 for the routed model, 2 for the fallback. */
  readonly attempt: number;
  /** Call when the upstream's first byte that counts arrives: stops the first-byte clock and records TTFB. */
  firstByte(): void;
  /** Call for bytes that come before it (keep-alive comments): a stream's silence is counted from now. */
  activity(): void;
}

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
  /** Waiting for a slow client to drain: the stream's silence clock stops until `activity()`. */
  waitingOnClient(): void;
  /** The body is relayed (or abandoned): free the slot, stop the clocks, record latency. Idempotent. */
  end(outcome?: 'ok' | 'error'): void;
}

/**
 * The production features around the proxy, in one object built once per server: API-key
 * auth, the concurrency limiter, fallback with timeouts, Prometheus metrics, the pino
 * request log, and spend accounting. The server calls it at a few hook points; it never
 * touches sockets itself.
 */
export class Gateway {
  readonly options: GatewayOptions;
  readonly pair: ModelPair;
  readonly auth: ApiKeyAuth;
  readonly metrics: GatewayMetrics;
  readonly log: RequestLog;
  readonly prices: PriceTable;
  readonly spend: SpendTracker;
  readonly limiter: ConcurrencyLimiter;
  /** Fallbacks by reason and, per routed model, the share that fell back over the window. */
  readonly health: RoutingHealth;
  readonly #scopes = new WeakMap<object, RequestScope>();
  readonly #shares: ShareStatsSource | undefined;
  /** Requests begun and not yet finished (the in-flight gauge). */
  inFlight = 0;

  constructor(options: GatewayOptions, deps: GatewayDeps) {
    this.options = options;
    this.pair = deps.pair;
    this.auth = new ApiKeyAuth(options.authKeys);
    this.metrics = new GatewayMetrics({ defaultMetrics: deps.defaultMetrics ?? true });
    this.log =
      deps.log ??
      new RequestLog({
        logPrompts: options.logPrompts,
        ...(deps.logDestination ? { destination: deps.logDestination } : {}),
      });
    this.log.setLogPrompts(options.logPrompts);
    this.prices = new PriceTable(options.prices);
    this.spend = new SpendTracker(this.prices, deps.pair, (deps.now ?? (() => new Date()))());
    this.limiter = new ConcurrencyLimiter({ maxConcurrent: options.maxConcurrency, maxQueue: options.maxQueue });
    this.#shares = deps.shares;
    if (deps.shares) registerShareMetrics(this.metrics.registry, deps.shares);
    // The gauges read these when scraped: nothing to set per request.
    this.metrics.sample.inFlight = () => this.inFlight;
    this.metrics.sample.upstreamInFlight = () => this.limiter.active;
    this.metrics.sample.queued = () => this.limiter.queued;
    this.metrics.sample.savingUsd = () => this.spend.savingUsd;
    this.health = new RoutingHealth({
      share: options.degradedShare,
      windowMs: options.degradedWindowMs,
      ...(deps.clock ? { now: deps.clock } : {}),
      onChange: (change) => this.#healthChanged(change),
    });
    this.metrics.sample.routingHealth = () => this.health.models().map((model) => ({ model, ...this.health.window(model) }));
    for (const model of new Set([deps.pair.strong, deps.pair.weak])) {
      if (this.prices.priceOf(model) !== undefined) continue;
      // A model without a price would count as free; the stats then say the saving is unknown instead.
      this.log.logger.warn(
        { model },
        `model "${model}" has no price: its requests are left out of spend_usd and the saving is reported as unknown (null); ` +
          `add it to the config file as prices: { "${model}": { input: <USD per 1M tokens>, output: <USD per 1M tokens> } }`,
      );
    }
  }

  /**
   * Starts tracking one HTTP request; call `finish` on the result when the response closes.
   * The scope is kept against the request object so later hooks can find it.
   */
  begin(request: object, requestId: string, method: string, path: string): RequestScope {
    const scope = new RequestScope(this, requestId, method, path);
    this.#scopes.set(request, scope);
    return scope;
  }

  /**
   * `begin` without keeping the scope against the request: for a caller that holds the scope
   * itself (the server keeps it in the request's context), sparing a weak-map entry per request.
   */
  start(requestId: string, method: string, path: string): RequestScope {
    return new RequestScope(this, requestId, method, path);
  }

  /** The scope `begin` made for this request. */
  scopeFor(request: object): RequestScope | undefined {
    return this.#scopes.get(request);
  }

  /**
   * The checks every request passes before routing: header count, then the API key
   * (`/health` stays open). Throws an OpenAI-shaped RequestError (431, 401).
   */
  admit(request: IncomingMessage, path: string, scope: RequestScope | undefined = this.scopeFor(request)): void {
    try {
      checkHeaderCount(request, this.options.limits);
      checkHostHeader(request);
      this.auth.check(path, request.headers.authorization);
    } catch (error) {
      scope?.reject(error instanceof RequestError && error.status === 401 ? 'auth' : 'bad_request');
      throw error;
    }
  }

  /**
   * `GET /v1/routellm/stats`: spend, fallbacks by reason since start-up, each routed model's
   * fallback share over the window, and each live share when serve holds shares.
   */
  stats(): GatewayStats {
    const health = this.health;
    return {
      ...this.spend.stats(),
      ...(this.#shares ? { shares: shareStatsJson(this.#shares) } : {}),
      fallbacks: Object.fromEntries(FALLBACK_REASONS.map((reason) => [reason, health.byReason.get(reason) ?? 0])),
      routing_health: {
        window_s: this.options.degradedWindowMs / 1000,
        degraded_share: this.options.degradedShare,
        models: Object.fromEntries(
          health.models().map((model) => {
            const window = health.window(model);
            return [model, { calls: window.calls, fallbacks: window.fallbacks, fallback_share: Math.round(window.share * 1e4) / 1e4, degraded: window.degraded }];
          }),
        ),
      },
    };
  }

  /**
   * Queues for an upstream slot until one frees, the client leaves, or --deadline runs out (a 504:
   * the queue wait is part of the request's budget). A full queue is a 429.
   */
  async #waitForSlot(scope: RequestScope, clientSignal: AbortSignalLike): Promise<() => void> {
    const wait = new LightAbort();
    const left = scope.deadlineLeftMs();
    const timer = setTimeout(() => {
      wait.abort(new UpstreamTimeoutError(`no upstream slot came free within the request's --deadline of ${this.options.deadlineMs / 1000} s (${this.limiter.active} requests hold one); retry later, or raise --max-concurrency`));
    }, Math.max(1, Math.ceil(left)));
    timer.unref();
    const onClient = () => wait.abort(clientSignal.reason);
    if (clientSignal.aborted) onClient();
    else clientSignal.addEventListener('abort', onClient, { once: true });
    try {
      return await this.limiter.acquire(wait.signal);
    } catch (error) {
      if (!clientSignal.aborted && !(error instanceof UpstreamTimeoutError)) scope.reject('queue_full');
      throw error;
    } finally {
      clearTimeout(timer);
      clientSignal.removeEventListener('abort', onClient);
    }
  }

  /** A model's fallback share crossed --degraded-share, either way: one line saying so. */
  #healthChanged(change: HealthChange): void {
    const percent = `${Math.round(change.share * 100)}%`;
    const window = `${this.options.degradedWindowMs / 1000} s`;
    const fields = { model: change.model, fallback_share: Math.round(change.share * 1e4) / 1e4, calls: change.calls, fallbacks: change.fallbacks, reason: change.lastReason };
    if (change.degraded) {
      this.log.logger.warn(
        fields,
        `routing degraded: ${percent} of the calls routed to "${change.model}" fell back over the last ${window} (more than --degraded-share ${this.options.degradedShare}; latest reason: ${change.lastReason ?? 'none'}); the other model is answering for it`,
      );
    } else {
      this.log.logger.info(fields, `routing recovered: ${percent} of the calls routed to "${change.model}" fell back over the last ${window}`);
    }
  }

  /**
   * Runs an upstream call under the limiter, the timeouts and the fallback policy.
   * `attempt` must resolve once the upstream's answer is known good enough to relay
   * (headers for a stream, the parsed body otherwise) and must not write to the client.
   * Throws the limiter's 429, or the last attempt's error (timeouts as UpstreamTimeoutError).
   */
  async callUpstream<T>(
    scope: RequestScope,
    routedModel: string,
    clientSignal: AbortSignalLike,
    attempt: (model: string, context: AttemptContext) => Promise<T>,
  ): Promise<UpstreamLease<T>> {
    const release = this.limiter.tryAcquire(clientSignal) ?? (await this.#waitForSlot(scope, clientSignal));
    let current: UpstreamAttempt | undefined;
    let model = routedModel;
    let fellBackFor: FailureReason | undefined;
    const onFailure = (failed: string, error: unknown, willRetry: boolean): void => {
      const reason = failureReason(error);
      const to = willRetry ? otherModel(this.pair, failed) : undefined;
      this.metrics.observeFailure(failed, reason, to);
      if (to === undefined) return;
      fellBackFor = reason;
      // A fallback hides a failure from the client: said at warn, with why, so a revoked key or a wrong model name shows.
      this.log.logger.warn(
        { request_id: scope.requestId, from: failed, to, reason, error: loggedError(error, error instanceof Error ? error.message : String(error), this.options.logPrompts) },
        `fallback: "${failed}" failed (${reason}), "${to}" answers instead`,
      );
    };
    try {
      const outcome = await callWithFallback(
        routedModel,
        { pair: this.pair, enabled: this.options.fallback, signal: clientSignal, onFailure },
        (attemptModel, attemptNumber) => {
          model = attemptModel;
          // The first attempt keeps half of what --deadline has left for the fallback, if one may follow.
          const reserve = attemptNumber === 1 && this.options.fallback && otherModel(this.pair, attemptModel) !== undefined;
          const context = new UpstreamAttempt(this, scope, attemptModel, attemptNumber, clientSignal, reserve);
          current = context;
          scope.attempts = attemptNumber;
          // A promise chain, not an async frame: one promise fewer per request.
          try {
            return attempt(attemptModel, context).catch((error: unknown) => {
              throw context.failed(error);
            });
          } catch (error) {
            return Promise.reject(context.failed(error));
          }
        },
      );
      scope.model = outcome.model;
      scope.fallbackFrom = outcome.fallbackFrom;
      scope.answered = true;
      this.health.observe(routedModel, fellBackFor);
      return new Lease(outcome, current as unknown as UpstreamAttempt, release);
    } catch (error) {
      scope.model = model; // the last model tried: the one whose failure the client sees
      if (model !== routedModel) scope.fallbackFrom = routedModel;
      // A client that left says nothing of the upstream.
      if (current !== undefined && !clientSignal.aborted) this.health.observe(routedModel, fellBackFor);
      release();
      throw error;
    }
  }
}

/** `GET /v1/routellm/stats`: the spend report, fallbacks by reason, and the routing health window. */
export interface GatewayStats extends SpendStats {
  /** Fallbacks since start-up, by reason. */
  readonly fallbacks: Readonly<Record<string, number>>;
  readonly routing_health: {
    readonly window_s: number;
    readonly degraded_share: number;
    readonly models: Readonly<Record<string, { calls: number; fallbacks: number; fallback_share: number; degraded: boolean }>>;
  };
  /** Each live share (router and asked share) when serve holds shares: threshold, realized share, window fill. */
  readonly shares?: readonly ShareStatsJson[];
}

/** One upstream attempt: its deadline, its start time, and the AttemptContext handed to the caller. */
class UpstreamAttempt implements AttemptContext {
  readonly deadline: UpstreamDeadline;
  readonly started: number;
  readonly gateway: Gateway;
  readonly #scope: RequestScope;
  readonly model: string;
  readonly attempt: number;

  constructor(gateway: Gateway, scope: RequestScope, model: string, attempt: number, clientSignal: AbortSignalLike, reserveForFallback: boolean) {
    this.gateway = gateway;
    this.#scope = scope;
    this.model = model;
    this.attempt = attempt;
    this.started = performance.now();
    // --timeout is each attempt's, within what --deadline has left of the whole request; an attempt
    // a fallback may follow must bring its first byte within half of that, so the other model keeps
    // the rest. --ttfb-timeout is a stream's only: a non-streamed answer's first byte comes when the
    // whole completion is written, so for it "first byte" means "done".
    const left = scope.deadlineLeftMs();
    const timeoutMs = gateway.options.timeoutMs;
    this.deadline = new UpstreamDeadline({
      totalMs: Math.min(timeoutMs, left),
      totalSource: left < timeoutMs ? '--deadline' : '--timeout',
      firstByteMs: reserveForFallback ? left / 2 : undefined,
      ttfbMs: scope.stream === true ? gateway.options.ttfbTimeoutMs : undefined,
      parent: clientSignal,
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
    this.#scope.ttfbMs = ttfb;
    this.gateway.metrics.observeTimeToFirstByte(this.model, ttfb / 1000);
  }

  /** The attempt failed: abandon it, record its latency, and return the error to throw. */
  failed(error: unknown): unknown {
    const deadline = this.deadline;
    const expired = deadline.expired;
    deadline.abandon();
    this.gateway.metrics.observeUpstreamLatency(this.model, 'error', (performance.now() - this.started) / 1000);
    // The SDK reports our abort as a generic abort: say which clock ran out instead.
    return expired ? deadline.signal.reason : error;
  }
}

/** The answering attempt, holding its slot and deadline until `end()`. */
class Lease<T> implements UpstreamLease<T> {
  readonly value: T;
  readonly model: string;
  readonly attempts: number;
  readonly fallbackFrom: string | undefined;
  readonly #attempt: UpstreamAttempt;
  readonly #release: () => void;
  #ended = false;

  constructor(outcome: FallbackOutcome<T>, attempt: UpstreamAttempt, release: () => void) {
    this.value = outcome.value;
    this.model = outcome.model;
    this.attempts = outcome.attempts;
    this.fallbackFrom = outcome.fallbackFrom;
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
    attempt.gateway.metrics.observeUpstreamLatency(this.model, result, (performance.now() - attempt.started) / 1000);
  }
}

/**
 * One request's bookkeeping: the in-flight gauge from `begin` to `finish`, what was routed,
 * which model answered, tokens and cost; `finish` writes the metrics and the log line once.
 *
 * The status a request is logged and counted with is the one the client was sent, but for
 * 499 (the client closed the connection before the answer was whole, a stream included) and
 * 503 (shutdown cut it). A stream that failed after its 200 went out (the upstream's error
 * event, a silence past --ttfb-timeout, a dropped upstream) keeps 200, carries `error` and is
 * logged at warn; the upstream failure is counted in `routellm_upstream_failures_total`.
 */
export class RequestScope {
  readonly #gateway: Gateway;
  readonly #started = performance.now();
  /** The server's own id for the request, unique: the log's `request_id`. */
  readonly requestId: string;
  /** The client's x-request-id (echoed in the answer), logged beside `requestId`. */
  clientRequestId: string | undefined;
  readonly method: string;
  readonly path: string;
  decision: RoutingDecision | undefined;
  /** The model that answered, or the last one tried. */
  model: string | undefined;
  fallbackFrom: string | undefined;
  attempts: number | undefined;
  ttfbMs: number | undefined;
  stream: boolean | undefined;
  /** Routing text, kept only for the log and only when --log-prompts is on. */
  prompt: string | undefined;
  /** Why a stream that had started was cut short (its status stays 200), as logged. */
  streamError: string | undefined;
  /** The message of the error answer, as logged (see `failed`). */
  error: string | undefined;
  /** An upstream answered (a stream's first event, a whole JSON body): the request counts in the spend stats. */
  answered = false;
  #usage: unknown;
  #rejectedFor: string | undefined;
  #finished = false;
  /** False for the /metrics scrape, which the in-flight gauge it reads must not count. */
  readonly #inFlight: boolean;

  /** Milliseconds left of this request's --deadline (negative once past it). */
  deadlineLeftMs(): number {
    return this.#started + this.#gateway.options.deadlineMs - performance.now();
  }

  constructor(gateway: Gateway, requestId: string, method: string, path: string) {
    this.#gateway = gateway;
    this.requestId = requestId;
    this.method = method;
    this.path = path;
    this.#inFlight = path !== '/metrics';
    if (this.#inFlight) gateway.inFlight += 1;
  }

  /** The controller decided. */
  routed(decision: RoutingDecision, prompt?: string): void {
    this.decision = decision;
    this.model = decision.model;
    if (this.#gateway.options.logPrompts) this.prompt = prompt;
    this.#gateway.metrics.observeRouted(decision.router, decision.model);
  }

  /** The upstream's `usage` object (non-stream body, or the stream's usage chunk). */
  usage(usage: unknown): void {
    this.#usage = usage;
  }

  /**
   * Refused before upstream (auth, bad_request, queue_full, ...): counted once, by reason, when
   * the request finishes; a 413 counts as too_large and a 408 as slow_client, whatever the reason given.
   */
  reject(reason: string): void {
    this.#rejectedFor ??= reason;
  }

  /** The request is answered with an error: keeps its (first) message for the log line, without the upstream's words unless --log-prompts. */
  failed(error: unknown, clientMessage: string): void {
    this.error ??= loggedError(error, clientMessage, this.#gateway.options.logPrompts);
  }

  /** A stream that had started failed upstream: logged with the error, and counted as an upstream failure. */
  streamFailed(error: unknown): void {
    this.streamError = loggedError(error, error instanceof Error ? error.message : String(error), this.#gateway.options.logPrompts);
    this.#gateway.metrics.observeFailure(this.model ?? 'none', failureReason(error), undefined);
  }

  /** The response is over (sent, failed or abandoned). Records everything once; later calls do nothing. */
  finish(status: number, error: string | undefined = this.error ?? this.streamError): void {
    if (this.#finished) return;
    this.#finished = true;
    const gateway = this.#gateway;
    if (this.#inFlight) gateway.inFlight -= 1;
    // The final answer may say more than the reason given when refusing (a body over --max-body).
    if (this.#rejectedFor !== undefined) gateway.metrics.rejected.inc({ reason: rejectedReason(status, this.#rejectedFor) });
    const chat = this.path === '/v1/chat/completions';
    if (chat) gateway.metrics.observeRequest({ router: this.decision?.router ?? 'none', model: this.model ?? 'none', status });
    const tokens = readUsage(this.#usage);
    let costUsd: number | undefined;
    // A stream the client (499) or shutdown (503) cut short was still answered, and cost something.
    if (chat && this.model !== undefined && (status < 400 || this.answered)) {
      const cost = gateway.spend.record(this.model, tokens);
      costUsd = cost.costUsd;
      // A budget name (router-mf-$20/h) holds the strong model's spend: it is told each strong answer's cost.
      if (costUsd !== undefined && this.model === gateway.pair.strong) this.decision?.budget?.spend(costUsd);
      if (tokens) {
        gateway.metrics.observeUsage(this.model, tokens.inputTokens, tokens.outputTokens, cost.costUsd, cost.strongOnlyUsd);
      } else gateway.metrics.observeUsageUnknown(this.model);
    }
    gateway.log.request({
      requestId: this.requestId,
      clientRequestId: this.clientRequestId,
      method: this.method,
      path: this.path,
      status,
      latencyMs: performance.now() - this.#started,
      router: this.decision?.router,
      threshold: this.decision?.threshold,
      strongWinRate: this.decision?.strongWinRate,
      routedModel: this.decision?.model,
      model: this.model,
      attempts: this.attempts,
      fallbackFrom: this.fallbackFrom,
      stream: this.stream,
      ttfbMs: this.ttfbMs,
      inputTokens: tokens?.inputTokens,
      outputTokens: tokens?.outputTokens,
      costUsd,
      error,
      prompt: this.prompt,
    });
  }
}
