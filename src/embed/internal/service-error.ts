import { APIConnectionTimeoutError, APIError } from 'openai';
import { UpstreamError, UpstreamTimeoutError } from '../../core/index.js';

/**
 * Maps what the openai SDK throws when a router calls a service of its own (embeddings, an LLM
 * judge) to the error tree. It never carries the service's status: a 401 from the embeddings
 * endpoint is the server's misconfiguration, not the client's fault, so it must answer 502,
 * not pass the 401 through.
 */
export function serviceError(what: string, error: unknown): UpstreamError {
  if (error instanceof UpstreamError) return error;
  if (error instanceof APIConnectionTimeoutError) return new UpstreamTimeoutError(`${what} did not answer in time`, { cause: error });
  if (error instanceof APIError && error.status !== undefined) {
    const detail = error.error as { message?: unknown } | undefined;
    const message = typeof detail?.message === 'string' ? detail.message : error.message;
    return new UpstreamError(`${what} answered ${error.status}: ${message}`, { cause: error });
  }
  if (error instanceof APIError) {
    const cause = (error as { cause?: unknown }).cause;
    const reason = cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : error.message;
    return new UpstreamError(`cannot reach ${what}: ${reason}`, { cause: error });
  }
  return new UpstreamError(`${what} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}
