import { boundedRoutingText, qualitiesByModel, RouterError, routingText, UpstreamTimeoutError, type RoutingDecision } from '../../core/index.js';
import { LightAbort, type AbortSignalLike } from '../../upstream/light-abort.js';
import { PriceTable } from '../../upstream/price-table.js';
import { SILENT_OBSERVER, type ChatLogger, type ChatObserver } from '../observe/chat-observer.js';
import { loggedError } from '../observe/logged-error.js';
import { shareStatsJson, type ShareStatsJson, type ShareStatsSource } from '../observe/share-stats.js';
import type { ChatOptions } from '../options/chat-options.js';
import { ConcurrencyLimiter } from '../policy/concurrency-limiter.js';
import { attemptOrder, callWithFallback, FALLBACK_REASONS, failureReason, fallbackOrder, otherModel, type FailureReason } from '../policy/fallback-policy.js';
import { RoutingHealth, type HealthChange } from '../policy/routing-health.js';
import { SpendTracker, type SpendStats } from '../spend/spend-tracker.js';
import type { SourceBody } from './chat-request-guard.js';
import { readAnswer, type Answer } from './read-answer.js';
import { RequestRecord, type RequestOrigin } from './request-record.js';
import type { RoutingSet } from './routing-set.js';
import type { RelayCollect } from './sse-relay.js';
import { requestStreamUsage } from './stream-usage.js';
import { UpstreamAttempt, type AttemptContext } from './upstream-attempt.js';
import { Lease, type UpstreamLease } from './upstream-lease.js';

export interface ChatPipelineDeps {
  /** The routers and upstreams requests are answered with. */
  readonly routing: RoutingSet;
  readonly options: ChatOptions;
  /** Warn and info lines (a fallback, routing degraded, a model without a price, --verbose decisions); none when absent. */
  readonly logger?: ChatLogger | undefined;
  /** Who watches each request (serve: its metrics and request log); nobody when absent. */
  readonly observer?: ChatObserver | undefined;
  /** Live shares (the ShareCalibrator), reported in the stats. */
  readonly shares?: ShareStatsSource | undefined;
  /** Keeps a share of routed prompts (`serve --sample-prompts`); nothing is kept when absent. */
  readonly sampler?: RoutedSampler | undefined;
  /** Wall clock for the stats' `since`; injected so tests can pin it. */
  readonly now?: () => Date;
  /** Monotonic milliseconds for the degradation window; injected so tests can move time. */
  readonly clock?: () => number;
}

/** Told each routed request (the PromptSampler): must not block or throw. */
export interface RoutedSampler {
  offer(decision: RoutingDecision, body: Readonly<Record<string, unknown>>): void;
}

/** A chat request as the pipeline takes it: the checked body, and the client's own bytes of it when there are any to forward. */
export interface ChatInput {
  readonly body: Readonly<Record<string, unknown>>;
  /** The bytes the body was parsed from and where its `model` sits: forwarded with `model` spliced in (HTTP). */
  readonly source?: SourceBody | undefined;
}

/** An opened chat: what was decided, and the upstream's answer (a whole completion, or a stream up to its first event). */
export interface OpenChat {
  readonly decision: RoutingDecision;
  /** Holds the concurrency slot and the clocks until the answer is relayed: `end()` it (relayStream does). */
  readonly lease: UpstreamLease<Answer>;
}

/**
 * The one chat path, for serve and the in-process Controller alike: route (the Decider), call the
 * routed model under the concurrency limit, the clocks and the fallback policy, and hold the answer
 * until it is known good (a whole JSON body, a stream's first event), so a failing, hanging or
 * garbled upstream falls back before the reader sees a byte. Bookkeeping (spend, routing health, and
 * whatever observer watches) is per request, in a RequestRecord. The adapters read the body and write
 * the answer: src/server/http for HTTP clients, src/controller for in-process callers.
 */
export class ChatPipeline {
  readonly options: ChatOptions;
  readonly prices: PriceTable;
  readonly spend: SpendTracker;
  readonly limiter: ConcurrencyLimiter;
  /** Fallbacks by reason and, per routed model, the share that fell back over the window. */
  readonly health: RoutingHealth;
  readonly observer: ChatObserver;
  readonly logger: ChatLogger | undefined;
  /** Reloads of the routing set so far (0: the one loaded at start-up). */
  generation = 0;
  #routing: RoutingSet;
  /** Requests holding each routing set (RequestRecord), so a replaced set is let go once its last request ends. */
  readonly #holds = new Map<RoutingSet, number>();
  /** Replaced sets still held, and what to do once they are not. */
  readonly #retired = new Map<RoutingSet, () => void>();
  readonly #shares: ShareStatsSource | undefined;
  readonly #sampler: RoutedSampler | undefined;
  /** Requests begun and not yet finished (the in-flight gauge). */
  inFlight = 0;

  constructor(deps: ChatPipelineDeps) {
    const options = deps.options;
    this.options = options;
    this.#routing = deps.routing;
    this.observer = deps.observer ?? SILENT_OBSERVER;
    this.logger = deps.logger;
    const pair = deps.routing.decider.pair;
    this.prices = new PriceTable(options.prices);
    this.spend = new SpendTracker(this.prices, pair, (deps.now ?? (() => new Date()))(), deps.routing.decider.list?.names);
    this.limiter = new ConcurrencyLimiter({ maxConcurrent: options.maxConcurrency, maxQueue: options.maxQueue });
    this.#shares = deps.shares;
    this.#sampler = deps.sampler;
    this.health = new RoutingHealth({
      share: options.degradedShare,
      windowMs: options.degradedWindowMs,
      ...(deps.clock ? { now: deps.clock } : {}),
      onChange: (change) => this.#healthChanged(change),
    });
    const unpriced = [...new Set(deps.routing.decider.list?.names ?? [pair.strong, pair.weak])].filter((model) => this.prices.priceOf(model) === undefined);
    // A model without a price would count as free; the stats then say the saving is unknown instead. One line for all of them.
    if (unpriced.length > 0) this.logger?.warn({ models: unpriced }, unpricedWarning(unpriced));
  }

  /** What new requests are routed and answered with; each request keeps the set it began with. */
  get routing(): RoutingSet {
    return this.#routing;
  }

  /**
   * Reload: new requests use `next` from now on; requests in flight finish on the set they began
   * with. `retire(old)` runs once no request holds the replaced set any more (at once if none does):
   * that is when its upstream connections may close. Returns the replaced set.
   */
  swapRouting(next: RoutingSet, retire: (old: RoutingSet) => void): RoutingSet {
    const old = this.#routing;
    this.#routing = next;
    this.generation += 1;
    if (this.#holds.has(old)) this.#retired.set(old, () => retire(old));
    else retire(old);
    return old;
  }

  /** Each router new requests use, by name, with its fingerprint (the hash of its weights). */
  routerFingerprints(): Record<string, string> {
    const decider = this.#routing.decider;
    return Object.fromEntries(decider.routerNames().map((name) => [name, decider.fingerprint(name)]));
  }

  /** A request takes the current routing set for its whole life (RequestRecord); `releaseRouting` gives it back. */
  holdRouting(): RoutingSet {
    const set = this.#routing;
    this.#holds.set(set, (this.#holds.get(set) ?? 0) + 1);
    return set;
  }

  releaseRouting(set: RoutingSet): void {
    const left = (this.#holds.get(set) ?? 1) - 1;
    if (left > 0) {
      this.#holds.set(set, left);
      return;
    }
    this.#holds.delete(set);
    const retire = this.#retired.get(set);
    if (retire === undefined) return;
    this.#retired.delete(set);
    retire();
  }

  /** Starts the bookkeeping of one request; call `finish` on the result when it is over. */
  begin(requestId: string, origin: RequestOrigin): RequestRecord {
    return new RequestRecord(this, requestId, origin);
  }

  /**
   * Routes a checked chat request and calls the routed model (the other on a fallback), resolving
   * once its answer is known good. `collect` says what a stream's events become: SSE text for an HTTP
   * client, parsed chunks in-process. Throws the router's errors (RoutingError 400, RouterError 500),
   * the limiter's 429, or the last attempt's error (timeouts as UpstreamTimeoutError).
   */
  async open(record: RequestRecord, input: ChatInput, signal: AbortSignalLike, collect: RelayCollect): Promise<OpenChat> {
    const { body, source } = input;
    let routed: Awaited<ReturnType<RoutingSet['decider']['routeChat']>>;
    try {
      routed = await record.routing.decider.routeChat(body);
    } catch (error) {
      // A router that fails to score is our failure (500), not a bad request.
      if (!signal.aborted) record.reject(error instanceof RouterError ? 'router_error' : 'bad_request');
      throw error;
    }
    const { decision, forward } = routed;
    const wantsStream = body['stream'] === true;
    record.stream = wantsStream;
    // What the router scored, not the whole prompt again: bounded like the decision itself.
    record.routed(decision, this.options.logPrompts ? boundedRoutingText(routingText(body['messages'])) : undefined);
    this.#sampler?.offer(decision, body);
    if (this.options.verbose) {
      // serve --verbose: the decision as it is made, before the upstream answers.
      this.logger?.info(
        ...verboseDecision(record.requestId, decision),
      );
    }
    // --no-stream-usage: the client's body as it is, for upstreams that refuse stream_options.
    const { forward: upstreamBody, clientWantsUsage } = this.options.streamUsage ? requestStreamUsage(forward) : { forward, clientWantsUsage: true };
    // The client's bytes go upstream with only `model` spliced in, unless stream_options must change inside them.
    const addStreamUsage = !clientWantsUsage;
    const spliced = source !== undefined && (!addStreamUsage || !('stream_options' in body)) ? { body: source, addStreamUsage } : undefined;
    const upstreams = record.routing.upstreams;
    const lease = await this.callUpstream(record, decision.model, signal, (model, attempt) =>
      upstreams.chat(model, upstreamBody, { signal: attempt.signal, source: spliced }).then((upstream) => readAnswer(upstream, wantsStream, clientWantsUsage, model, attempt, collect)),
    );
    return { decision, lease };
  }

  /**
   * Runs an upstream call under the limiter, the timeouts and the fallback policy.
   * `attempt` must resolve once the upstream's answer is known good enough to relay
   * (headers for a stream, the parsed body otherwise) and must not write to the reader.
   * Throws the limiter's 429, or the last attempt's error (timeouts as UpstreamTimeoutError).
   */
  async callUpstream<T>(
    record: RequestRecord,
    routedModel: string,
    clientSignal: AbortSignalLike,
    attempt: (model: string, context: AttemptContext) => Promise<T>,
  ): Promise<UpstreamLease<T>> {
    const release = this.limiter.tryAcquire(clientSignal) ?? (await this.#waitForSlot(record, clientSignal));
    const pair = record.routing.decider.pair;
    // Over a list of models a failure tries the next model up, then down (fallbackOrder).
    const ladder = record.routing.decider.list?.names;
    const tried: string[] = [];
    let current: UpstreamAttempt | undefined;
    let model = routedModel;
    let fellBackFor: FailureReason | undefined;
    const onFailure = (failed: string, error: unknown, willRetry: boolean, next: string | undefined): void => {
      const reason = failureReason(error);
      const to = willRetry ? (ladder ? next : otherModel(pair, failed)) : undefined;
      this.observer.observeFailure(failed, reason, to);
      if (to === undefined) return;
      fellBackFor = reason;
      // A fallback hides a failure from the client: said at warn, with why, so a revoked key or a wrong model name shows.
      this.logger?.warn(
        { request_id: record.requestId, from: failed, to, reason, error: loggedError(error, error instanceof Error ? error.message : String(error), this.options.logPrompts) },
        `fallback: "${failed}" failed (${reason}), "${to}" answers instead`,
      );
    };
    try {
      const outcome = await callWithFallback(
        routedModel,
        { pair, ladder, mayContinue: () => record.deadlineLeftMs() > 0, enabled: this.options.fallback, signal: clientSignal, onFailure },
        (attemptModel, attemptNumber) => {
          model = attemptModel;
          if (ladder) tried.push(attemptModel);
          // The first attempt keeps half of what --deadline has left for the fallback, if one may follow;
          // over a list, every attempt but the last keeps half of what is left for the next model.
          const reserve = ladder
            ? this.options.fallback && attemptNumber < attemptOrder(routedModel, { pair, ladder, enabled: true }).length
            : attemptNumber === 1 && this.options.fallback && otherModel(pair, attemptModel) !== undefined;
          const context = new UpstreamAttempt(this, record, attemptModel, attemptNumber, clientSignal, reserve);
          current = context;
          record.attempts = attemptNumber;
          if (ladder) record.tried = tried;
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
      record.model = outcome.model;
      record.fallbackFrom = outcome.fallbackFrom;
      record.answered = true;
      this.health.observe(routedModel, fellBackFor);
      return new Lease(outcome, current as unknown as UpstreamAttempt, release);
    } catch (error) {
      record.model = model; // the last model tried: the one whose failure the client sees
      if (model !== routedModel) record.fallbackFrom = routedModel;
      // A client that left says nothing of the upstream.
      if (current !== undefined && !clientSignal.aborted) this.health.observe(routedModel, fellBackFor);
      release();
      throw error;
    }
  }

  /**
   * `GET /v1/routellm/stats` and `Controller.stats()`: spend, fallbacks by reason since start-up, each
   * routed model's fallback share over the window, and each live share when shares are held.
   */
  stats(): GatewayStats {
    const health = this.health;
    return {
      ...this.spend.stats(),
      routing: { generation: this.generation, routers: this.routerFingerprints() },
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
  async #waitForSlot(record: RequestRecord, clientSignal: AbortSignalLike): Promise<() => void> {
    const wait = new LightAbort();
    const left = record.deadlineLeftMs();
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
      if (!clientSignal.aborted && !(error instanceof UpstreamTimeoutError)) record.reject('queue_full');
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
      // Over a list no one model is "the other": its calls go on down its fallback order.
      const ladder = this.#routing.decider.list?.names;
      const standIn = ladder ? `the next models in its fallback order (${fallbackOrder(ladder, change.model).slice(1).join(', ')}) answer for it` : 'the other model is answering for it';
      this.logger?.warn(
        fields,
        `routing degraded: ${percent} of the calls routed to "${change.model}" fell back over the last ${window} (more than --degraded-share ${this.options.degradedShare}; latest reason: ${change.lastReason ?? 'none'}); ${standIn}`,
      );
    } else {
      this.logger?.info(fields, `routing recovered: ${percent} of the calls routed to "${change.model}" fell back over the last ${window}`);
    }
  }
}

/** serve --verbose's line for a decision: the win rate against the threshold, or over a list the chosen model's quality and the knob. */
function verboseDecision(requestId: string, decision: RoutingDecision): [Record<string, unknown>, string] {
  const list = decision.list;
  if (list) {
    const qualities = qualitiesByModel(list);
    return [
      { request_id: requestId, router: decision.router, knob: decision.threshold, qualities, model: decision.model },
      `routed to ${decision.model}: ${decision.router} predicts quality ${qualities[decision.model]} at knob ${decision.threshold}`,
    ];
  }
  const rate = decision.strongWinRate as number;
  return [
    { request_id: requestId, router: decision.router, threshold: decision.threshold, strong_win_rate: rate, model: decision.model, ...(decision.budgetProbe ? { budget_probe: true } : {}) },
    `routed to ${decision.model}: ${decision.router} win rate ${rate} ${rate >= decision.threshold ? '>=' : '<'} threshold ${decision.threshold}` +
      (decision.budgetProbe ? " (the budget's cold-start probe: a strong call to measure its cost)" : ''),
  ];
}

/** `GET /v1/routellm/stats`: the spend report, fallbacks by reason, and the routing health window. */
export interface GatewayStats extends SpendStats {
  /** The routers in use: reloads so far (0 = as started) and each router's fingerprint (its weights' hash). */
  readonly routing: { readonly generation: number; readonly routers: Readonly<Record<string, string>> };
  /** Fallbacks since start-up, by reason. */
  readonly fallbacks: Readonly<Record<string, number>>;
  readonly routing_health: {
    readonly window_s: number;
    readonly degraded_share: number;
    readonly models: Readonly<Record<string, { calls: number; fallbacks: number; fallback_share: number; degraded: boolean }>>;
  };
  /** Each live share (router and asked share) when shares are held: threshold, realized share, window fill. */
  readonly shares?: readonly ShareStatsJson[];
}

/** The one start-up line about the models without a price, with the `prices:` entry that fixes it. */
function unpricedWarning(models: readonly string[]): string {
  const named = models.map((model) => `"${model}"`);
  const entries = models.map((model) => `"${model}": { input: <USD per 1M tokens>, output: <USD per 1M tokens> }`).join(', ');
  return (
    `${models.length === 1 ? `model ${named[0]} has` : `models ${named.join(' and ')} have`} no price: ${models.length === 1 ? 'its' : 'their'} requests are left out of spend_usd ` +
    `and the saving is reported as unknown (null); add ${models.length === 1 ? 'it' : 'them'} to the config file as prices: { ${entries} }`
  );
}
