import { UpstreamError, UpstreamTimeoutError } from '../core/index.js';
import { MalformedUpstreamError } from '../upstream/malformed-upstream-error.js';
import { retryAfterMs } from '../upstream/retry-after.js';
import { UpstreamHttpError } from '../upstream/upstream-http-error.js';

/** What a failed call means for the run. */
export type CallFailure =
  /** Worth waiting out and trying again: 429, 5xx, 408/409, timeouts, connection failures, malformed 2xx. */
  | { readonly kind: 'retry'; readonly reason: 'rate-limited' | 'overloaded'; readonly retryAfterMs: number | undefined; readonly message: string; readonly status: number | undefined }
  /** This prompt cannot be labelled (a 400: too long for the model, refused by a filter); the next may. */
  | { readonly kind: 'prompt'; readonly message: string; readonly status: number | undefined }
  /** No prompt can be: a wrong key, model name or URL (401/403/404), an exhausted quota. */
  | { readonly kind: 'fatal'; readonly message: string };

/** Upstream statuses that say the run's own key, URL or model is wrong. */
const MISCONFIGURED = new Set([401, 403, 404]);
/** Longest wait label accepts from a `retry-after`: longer means a quota that will not come back soon. */
export const MAX_RETRY_AFTER_MS = 10 * 60_000;

/** Sorts an error from completeOnce into what the run does next. */
export function classifyCallFailure(error: unknown): CallFailure {
  if (!(error instanceof UpstreamError)) throw error;
  const message = error.message;
  if (error instanceof UpstreamTimeoutError || error instanceof MalformedUpstreamError || error.status === undefined) {
    return { kind: 'retry', reason: 'overloaded', retryAfterMs: undefined, message, status: error.status };
  }
  // 401/403/404 reach here as 502s (serve's mapping, so a client is not blamed); upstreamStatus keeps what was said.
  const said = error instanceof UpstreamHttpError ? error.upstreamStatus : error.status;
  if (MISCONFIGURED.has(said)) return { kind: 'fatal', message };
  if (said === 429) {
    const code = (error.body as { error?: { code?: unknown; type?: unknown } } | undefined)?.error;
    if (code?.code === 'insufficient_quota' || code?.type === 'insufficient_quota') return { kind: 'fatal', message: `${message} (the account's quota is used up)` };
    const headers = error instanceof UpstreamHttpError ? error.headers : {};
    const wait = retryAfterMs((name) => headers[name]);
    if (wait !== undefined && wait > MAX_RETRY_AFTER_MS) {
      return { kind: 'fatal', message: `${message}; it asks to wait ${Math.round(wait / 1000)} s, which is a quota, not a burst: re-run later` };
    }
    return { kind: 'retry', reason: 'rate-limited', retryAfterMs: wait, message, status: said };
  }
  if (said === 408 || said === 409 || said >= 500) {
    const headers = error instanceof UpstreamHttpError ? error.headers : {};
    const wait = retryAfterMs((name) => headers[name]);
    return { kind: 'retry', reason: 'overloaded', retryAfterMs: wait !== undefined && wait <= MAX_RETRY_AFTER_MS ? wait : undefined, message, status: said };
  }
  return { kind: 'prompt', message, status: said };
}
