import { APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { UpstreamError, UpstreamTimeoutError } from '../core/index.js';
import type { UpstreamEndpoint } from './providers.js';
import { connectionFailure, endpointLabel, isKeptErrorHeader, upstreamStatusError } from './upstream-error-details.js';

/**
 * Turns what the openai SDK throws into the core's error tree, naming the model and the
 * endpoint (never the key). A user abort (the client hung up) stays an UpstreamError with
 * no status; the server only logs it.
 */
export function mapSdkError(error: unknown, endpoint: UpstreamEndpoint): UpstreamError {
  const where = endpointLabel(endpoint);
  if (error instanceof APIUserAbortError) return new UpstreamError(`request to ${where} was aborted`, { cause: error });
  if (error instanceof APIConnectionTimeoutError) {
    return new UpstreamTimeoutError(`${where} did not answer in time`, { cause: error });
  }
  if (error instanceof APIError && error.status !== undefined) {
    const headers: Record<string, string> = {};
    error.headers?.forEach((value: string, name: string) => {
      if (isKeptErrorHeader(name)) headers[name] = value;
    });
    const detail = error.error as { message?: unknown } | undefined;
    // The SDK's own message starts with the status; the pass-through's does not, and clients see one form.
    const message = typeof detail?.message === 'string' ? detail.message : error.message.replace(new RegExp(`^${error.status} `), '');
    return upstreamStatusError(endpoint, error.status, message, error.error, headers);
  }
  if (error instanceof APIError) {
    const cause = (error as { cause?: unknown }).cause;
    const reason = cause instanceof Error ? connectionFailure(cause.cause instanceof Error ? cause.cause : cause) : error.message;
    return new UpstreamError(`cannot reach ${where}: ${reason}`, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new UpstreamError(`request to ${where} failed: ${message}`, { cause: error });
}
