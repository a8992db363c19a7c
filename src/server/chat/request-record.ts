import type { RoutingDecision } from '../../core/index.js';
import { readUsage } from '../../upstream/price-table.js';
import { loggedError } from '../observe/logged-error.js';
import { failureReason } from '../policy/fallback-policy.js';
import type { ChatPipeline } from './chat-pipeline.js';
import type { RoutingSet } from './routing-set.js';

/** Where a request came from, as its log line says: serve's method and path; in-process calls say what they stand for. */
export interface RequestOrigin {
  readonly method: string;
  readonly path: string;
  /** A chat completion (counted per router, model and status, and in the spend), not another endpoint. */
  readonly chat: boolean;
}

/**
 * One request's bookkeeping: the in-flight count from `begin` to `finish`, what was routed, which
 * model answered, tokens and cost; `finish` writes the metrics, the spend and the log line once.
 *
 * The status a request is logged and counted with is the one the client was sent (or, in-process,
 * the one the error stands for), but for 499 (the client left before the answer was whole, a stream
 * included) and 503 (shutdown cut it). A stream that failed after its 200 went out (the upstream's
 * error event, a silence past --ttfb-timeout, a dropped upstream) keeps 200, carries `error` and is
 * logged at warn; the upstream failure is counted in `routellm_upstream_failures_total`.
 */
export class RequestRecord {
  readonly #pipeline: ChatPipeline;
  readonly #started = performance.now();
  /** The routers and upstreams this request uses to its end, whatever replaces them meanwhile. */
  readonly routing: RoutingSet;
  /** The server's own id for the request, unique: the log's `request_id`. */
  readonly requestId: string;
  /** The client's x-request-id (echoed in the answer), logged beside `requestId`. */
  clientRequestId: string | undefined;
  readonly method: string;
  readonly path: string;
  readonly chat: boolean;
  decision: RoutingDecision | undefined;
  /** The model that answered, or the last one tried. */
  model: string | undefined;
  fallbackFrom: string | undefined;
  attempts: number | undefined;
  /** Over a list of models: the models tried so far, in order (`x-routellm-attempts` lists them). */
  tried: readonly string[] | undefined;
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
  /** The cost of the answer once finished, when its usage and the model's price are known. */
  costUsd: number | undefined;
  #usage: unknown;
  #rejectedFor: string | undefined;
  #finished = false;
  /** False for the /metrics scrape, which the in-flight gauge it reads must not count. */
  readonly #inFlight: boolean;

  constructor(pipeline: ChatPipeline, requestId: string, origin: RequestOrigin) {
    this.#pipeline = pipeline;
    this.routing = pipeline.holdRouting();
    this.requestId = requestId;
    this.method = origin.method;
    this.path = origin.path;
    this.chat = origin.chat;
    this.#inFlight = origin.path !== '/metrics';
    if (this.#inFlight) pipeline.inFlight += 1;
  }

  /** Milliseconds left of this request's --deadline (negative once past it). */
  deadlineLeftMs(): number {
    return this.#started + this.#pipeline.options.deadlineMs - performance.now();
  }

  /** The decider decided. */
  routed(decision: RoutingDecision, prompt?: string): void {
    this.decision = decision;
    this.model = decision.model;
    if (this.#pipeline.options.logPrompts) this.prompt = prompt;
    this.#pipeline.observer.observeRouted(decision.router, decision.model);
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
    this.error ??= loggedError(error, clientMessage, this.#pipeline.options.logPrompts);
  }

  /** A stream that had started failed upstream: logged with the error, and counted as an upstream failure. */
  streamFailed(error: unknown): void {
    this.streamError = loggedError(error, error instanceof Error ? error.message : String(error), this.#pipeline.options.logPrompts);
    this.#pipeline.observer.observeFailure(this.model ?? 'none', failureReason(error), undefined);
  }

  /** The response is over (sent, failed or abandoned). Records everything once; later calls do nothing. */
  finish(status: number, error: string | undefined = this.error ?? this.streamError): void {
    if (this.#finished) return;
    this.#finished = true;
    const pipeline = this.#pipeline;
    const observer = pipeline.observer;
    if (this.#inFlight) pipeline.inFlight -= 1;
    pipeline.releaseRouting(this.routing);
    // The final answer may say more than the reason given when refusing (a body over --max-body).
    if (this.#rejectedFor !== undefined) observer.observeRejected(rejectedReason(status, this.#rejectedFor));
    if (this.chat) observer.observeRequest({ router: this.decision?.router ?? 'none', model: this.model ?? 'none', status });
    const tokens = readUsage(this.#usage);
    // A stream the client (499) or shutdown (503) cut short was still answered, and cost something.
    const answered = this.chat && this.model !== undefined && (status < 400 || this.answered);
    // The stats count every chat request the metrics count, answered or failed.
    if (this.chat) pipeline.spend.finished(status, answered);
    if (answered && this.model !== undefined) {
      const cost = pipeline.spend.record(this.model, tokens, this.decision?.list);
      this.costUsd = cost.costUsd;
      // A budget name (router-mf-$20/h) holds the strong model's spend: it is told each strong answer's cost.
      // Over a list it holds every call's spend: it is told each answer's cost and what that model was expected to cost.
      const list = this.decision?.list;
      if (cost.costUsd !== undefined && list) this.decision?.budget?.spend(cost.costUsd, list.costs[list.models.indexOf(this.model)]);
      else if (cost.costUsd !== undefined && this.model === this.routing.decider.pair.strong) this.decision?.budget?.spend(cost.costUsd);
      if (tokens) observer.observeUsage(this.model, tokens.inputTokens, tokens.outputTokens, cost.costUsd, cost.strongOnlyUsd);
      else observer.observeUsageUnknown(this.model);
    }
    observer.logRequest({
      requestId: this.requestId,
      clientRequestId: this.clientRequestId,
      method: this.method,
      path: this.path,
      status,
      latencyMs: performance.now() - this.#started,
      router: this.decision?.router,
      threshold: this.decision?.threshold,
      strongWinRate: this.decision?.strongWinRate,
      budgetProbe: this.decision?.budgetProbe,
      qualities: this.decision?.list,
      routedModel: this.decision?.model,
      model: this.model,
      attempts: this.attempts,
      fallbackFrom: this.fallbackFrom,
      stream: this.stream,
      ttfbMs: this.ttfbMs,
      inputTokens: tokens?.inputTokens,
      outputTokens: tokens?.outputTokens,
      costUsd: this.costUsd,
      error,
      prompt: this.prompt,
    });
  }
}

/**
 * The `reason` label of `routellm_rejected_requests_total` for a refusal answered with `status`:
 * a slow client (408) and a body over --max-body (413) have their own, else `fallback`.
 */
export function rejectedReason(status: number, fallback: string): string {
  return status === 408 ? 'slow_client' : status === 413 ? 'too_large' : fallback;
}
