import { APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { httpErrorFor } from '../server/errors/http-error.js';
import { RouterError } from '../core/index.js';

/** Why an in-process call stopped, when the caller stopped it: its signal, or its `timeout`. */
export type CallerStop = 'abort' | 'timeout' | undefined;

/**
 * The `openai` SDK's error for what the chat pipeline threw: the class and message the SDK raises
 * when `routellm serve` answers the same failure over HTTP (400 BadRequestError for a bad router or
 * threshold, 429 RateLimitError, 502/504 InternalServerError, an upstream's own 4xx as it was), its
 * `headers` those serve sends (`x-request-id`, `x-routellm-*`). A call the caller aborted is an
 * APIUserAbortError, one past its `timeout` an APIConnectionTimeoutError, as the SDK's own.
 */
export function toAPIError(error: unknown, stop: CallerStop, headers: Readonly<Record<string, string>>): APIError {
  if (stop === 'abort') return new APIUserAbortError();
  if (stop === 'timeout') return new APIConnectionTimeoutError();
  const answer = httpErrorFor(error);
  let body = answer.body;
  if (answer.internal && !(error instanceof RouterError)) {
    // serve hides a bug's message from clients and logs it; in-process the caller is the one to see it.
    body = { error: { ...body.error, message: `routellm internal error: ${(error as Error)?.message ?? String(error)}` } };
  }
  const apiError = APIError.generate(answer.status, body, undefined, new Headers({ ...answer.headers, ...headers }));
  Object.defineProperty(apiError, 'cause', { value: error, enumerable: false, configurable: true, writable: true });
  return apiError;
}

/** The error a stream throws for a failure after its first chunk: the SDK's own for an error event (no status). */
export function streamError(errorObject: unknown, headers: Readonly<Record<string, string>>): APIError {
  return new APIError(undefined, errorObject as object, undefined, new Headers(headers));
}
