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

/** The result of a call made under the fallback policy. */
export interface FallbackOutcome<T> {
  readonly value: T;
  /** The model that answered. */
  readonly model: string;
  /** Upstream attempts made, 1 or 2: the `x-routellm-attempts` header. */
  readonly attempts: number;
  /** The routed model that failed, when the answer came from the other one: `x-routellm-fallback`. */
  readonly fallbackFrom: string | undefined;
}

export interface FallbackOptions {
  readonly pair: ModelPair;
  /** False with `--no-fallback`. */
  readonly enabled: boolean;
  /** Aborted when the client goes away: a gone client gets no second attempt. */
  readonly signal?: AbortSignalLike;
  /** Called for each failed attempt, with whether another attempt follows. */
  readonly onFailure?: (model: string, error: unknown, willRetry: boolean) => void;
}

/**
 * Calls `attempt(routedModel)`; if it fails before the first byte for a fallback-eligible
 * reason, calls `attempt(otherModel)` once. `attempt` must resolve only once the upstream
 * answered with headers (and, for non-streams, a parsed body), and must not have written
 * anything to the client: a stream that has started is never replayed.
 * When every attempt fails, the last error is thrown unchanged so the caller maps it.
 */
export async function callWithFallback<T>(
  routedModel: string,
  options: FallbackOptions,
  attempt: (model: string, attemptNumber: number) => Promise<T>,
): Promise<FallbackOutcome<T>> {
  try {
    return { value: await attempt(routedModel, 1), model: routedModel, attempts: 1, fallbackFrom: undefined };
  } catch (error) {
    const other = otherModel(options.pair, routedModel);
    const retry = options.enabled && other !== undefined && options.signal?.aborted !== true && isFallbackEligible(error);
    options.onFailure?.(routedModel, error, retry);
    if (!retry || other === undefined) throw error;
    try {
      return { value: await attempt(other, 2), model: other, attempts: 2, fallbackFrom: routedModel };
    } catch (secondError) {
      options.onFailure?.(other, secondError, false);
      throw secondError;
    }
  }
}
