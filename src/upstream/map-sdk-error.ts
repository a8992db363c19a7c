import { APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { UpstreamError, UpstreamTimeoutError } from '../core/index.js';
import type { UpstreamEndpoint } from './providers.js';
import { UpstreamHttpError } from './upstream-http-error.js';

/** Headers of an upstream error that the client may use; everything else stays with us. */
const KEPT_ERROR_HEADERS = ['retry-after', 'retry-after-ms', 'x-should-retry'];

/**
 * Turns what the openai SDK throws into the core's error tree, naming the model and the
 * endpoint (never the key). A user abort (the client hung up) stays an UpstreamError with
 * no status; the server only logs it.
 */
export function mapSdkError(error: unknown, endpoint: UpstreamEndpoint): UpstreamError {
  const where = `model "${endpoint.model}" at ${endpoint.baseURL}`;
  if (error instanceof APIUserAbortError) return new UpstreamError(`request to ${where} was aborted`, { cause: error });
  if (error instanceof APIConnectionTimeoutError) {
    return new UpstreamTimeoutError(`${where} did not answer in time`, { cause: error });
  }
  if (error instanceof APIError && error.status !== undefined) {
    const headers: Record<string, string> = {};
    for (const name of KEPT_ERROR_HEADERS) {
      const value = error.headers?.get(name);
      if (value !== null && value !== undefined) headers[name] = value;
    }
    const detail = error.error as { message?: unknown } | undefined;
    const message = typeof detail?.message === 'string' ? detail.message : error.message;
    return new UpstreamHttpError(`${where} answered ${error.status}: ${message}`, {
      status: error.status,
      body: error.error === undefined ? undefined : { error: error.error },
      headers,
    });
  }
  if (error instanceof APIError) {
    const cause = (error as { cause?: unknown }).cause;
    const reason = cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : error.message;
    return new UpstreamError(`cannot reach ${where}: ${reason}`, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new UpstreamError(`request to ${where} failed: ${message}`, { cause: error });
}
