import { UpstreamError, UpstreamTimeoutError, type ModelPair } from '../../core/index.js';
import type { AbortSignalLike } from '../../upstream/light-abort.js';
import { UpstreamHttpError } from '../../upstream/upstream-http-error.js';

/**
 * Why an attempt failed, as the `reason` label of the fallback and failure metrics and the fallback
 * log line: `auth` (the upstream refused the gateway's key: 401/403), `not_found` (404: a wrong model
 * name or base URL), `rate_limited` (429), `server_error` (5xx, or an error event), `timeout`,
 * `connection` (unreachable, dropped), `malformed` (not OpenAI's shape); `client_error` and `other`
 * never fall back.
 */
export type FailureReason = 'auth' | 'not_found' | 'connection' | 'timeout' | 'rate_limited' | 'server_error' | 'malformed' | 'client_error' | 'other';

/** Every reason an attempt may fall back for, in the order the stats list them. */
export const FALLBACK_REASONS: readonly FailureReason[] = ['auth', 'not_found', 'rate_limited', 'server_error', 'timeout', 'connection', 'malformed'];

/** Classifies an upstream failure for fallback decisions, metrics and logs. */
export function failureReason(error: unknown): FailureReason {
  if (error instanceof UpstreamTimeoutError) return 'timeout';
  if (error instanceof UpstreamError) {
    if (error.name === 'MalformedUpstreamError') return 'malformed';
    if (error instanceof UpstreamHttpError && error.upstreamStatus !== error.status) {
      // The gateway's own key, model name or URL is wrong: answered as 502, but said as what it is.
      if (error.upstreamStatus === 401 || error.upstreamStatus === 403) return 'auth';
      if (error.upstreamStatus === 404) return 'not_found';
    }
    const status = error.status;
    if (status === undefined) return 'connection';
    if (status === 429) return 'rate_limited';
    if (status >= 500) return 'server_error';
    if (status >= 400) return 'client_error';
    return 'malformed';
  }
  return 'other';
}

/**
 * True when the other model may be tried: the upstream could not be reached, timed out,
 * was rate limited, failed with a 5xx, or answered garbage. A 4xx other than 429 is the
 * client's own mistake and would fail the same way on the other model, so it is passed back.
 */
export function isFallbackEligible(error: unknown): boolean {
  const reason = failureReason(error);
  return reason !== 'client_error' && reason !== 'other';
}

/** The other model of the pair, or undefined when `model` is in neither seat or both seats agree. */
export function otherModel(pair: ModelPair, model: string): string | undefined {
  if (pair.strong === pair.weak) return undefined;
  if (model === pair.strong) return pair.weak;
  if (model === pair.weak) return pair.strong;
  return undefined;
}

/**
 * The order a list of models (cheapest first) is tried in when `routed` fails: the models above it,
 * nearest first (a stronger model can answer what a weaker one would), then those below it, nearest
 * first. With two models it is the pair's one retry on the other model.
 */
export function fallbackOrder(ladder: readonly string[], routed: string): string[] {
  const at = ladder.indexOf(routed);
  if (at < 0) return [routed];
  return [routed, ...ladder.slice(at + 1), ...ladder.slice(0, at).reverse()];
}

/** The result of a call made under the fallback policy. */
export interface FallbackOutcome<T> {
  readonly value: T;
  /** The model that answered. */
  readonly model: string;
  /** Upstream attempts made (1, or 2 after the pair's fallback; up to the list's length over a list). */
  readonly attempts: number;
  /** The routed model that failed, when the answer came from another one: `x-routellm-fallback`. */
  readonly fallbackFrom: string | undefined;
  /** Over a list: the models tried, in order, the answering one last (`x-routellm-attempts` lists them). */
  readonly tried?: readonly string[] | undefined;
}

export interface FallbackOptions {
  readonly pair: ModelPair;
  /**
   * A list of models, cheapest first: a failed attempt tries the next model up, then down (see
   * fallbackOrder), while `mayContinue` allows. Without it, the pair's one retry on the other model.
   */
  readonly ladder?: readonly string[] | undefined;
  /** Asked before each further attempt over a list: false once --deadline has nothing left. */
  readonly mayContinue?: () => boolean;
  /** False with `--no-fallback`. */
  readonly enabled: boolean;
  /** Aborted when the client goes away: a gone client gets no second attempt. */
  readonly signal?: AbortSignalLike;
  /** Called for each failed attempt, with whether another attempt follows and on which model. */
  readonly onFailure?: (model: string, error: unknown, willRetry: boolean, next: string | undefined) => void;
}

/** The models a call routed to `routedModel` may be answered by, in the order they are tried. */
export function attemptOrder(routedModel: string, options: Pick<FallbackOptions, 'pair' | 'ladder' | 'enabled'>): string[] {
  if (!options.enabled) return [routedModel];
  if (options.ladder) return fallbackOrder(options.ladder, routedModel);
  const other = otherModel(options.pair, routedModel);
  return other === undefined ? [routedModel] : [routedModel, other];
}

/**
 * Calls `attempt(routedModel)`; if it fails before the first byte for a fallback-eligible reason,
 * calls `attempt` on the next model of attemptOrder (the pair's other model, once; over a list,
 * the next up, then down). `attempt` must resolve only once the upstream answered with headers
 * (and, for non-streams, a parsed body), and must not have written anything to the client: a
 * stream that has started is never replayed. When every attempt fails, the last error is thrown
 * (so the caller maps it as that failure), its message naming every attempt, the routed model's first.
 */
export async function callWithFallback<T>(
  routedModel: string,
  options: FallbackOptions,
  attempt: (model: string, attemptNumber: number) => Promise<T>,
): Promise<FallbackOutcome<T>> {
  const order = attemptOrder(routedModel, { ...options, enabled: true });
  const failures: unknown[] = [];
  for (let index = 0; ; index += 1) {
    const model = order[index] as string;
    try {
      const value = await attempt(model, index + 1);
      const outcome = { value, model, attempts: index + 1, fallbackFrom: index > 0 ? routedModel : undefined };
      return options.ladder ? { ...outcome, tried: order.slice(0, index + 1) } : outcome;
    } catch (error) {
      const next = order[index + 1];
      const retry =
        options.enabled &&
        next !== undefined &&
        options.signal?.aborted !== true &&
        isFallbackEligible(error) &&
        (index === 0 || options.ladder === undefined || (options.mayContinue?.() ?? true));
      options.onFailure?.(model, error, retry, retry ? next : undefined);
      failures.push(error);
      if (!retry) throw namingEveryAttempt(failures);
    }
  }
}

/**
 * The fallback's error (its class, status and headers decide the answer), its message led by the
 * routed model's failure: a client told only the second model's reason fixes that one and is
 * surprised the first is broken too. An upstream's own 4xx body (a 429 passed through) is unchanged.
 */
function namingEveryAttempt(failures: readonly unknown[]): unknown {
  const last = failures.at(-1);
  if (failures.length < 2 || !failures.every((failure) => failure instanceof Error)) return last;
  const messages = (failures as Error[]).map((failure) => failure.message);
  const every = failures.length === 2 ? 'both models failed' : `all ${failures.length} models tried failed`;
  (last as Error).message = `${every}: ${messages[0]}; then, on fallback, ${messages.slice(1).join('; then ')}`;
  return last;
}
