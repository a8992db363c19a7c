import { ControllerClosedError, RouterError, RoutingError, UpstreamError, UpstreamTimeoutError, UsageError } from '../../core/index.js';
import { UpstreamHttpError } from '../../upstream/upstream-http-error.js';
import { RequestError } from './request-error.js';

/** OpenAI's error body: the only shape the official SDKs read a message from. */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** What to answer for an error: status, OpenAI-shaped body, extra headers. */
export interface HttpError {
  readonly status: number;
  readonly body: OpenAIErrorBody;
  readonly headers: Readonly<Record<string, string>>;
  /** True when the error is ours (a bug or an unexpected failure): worth a log line. */
  readonly internal: boolean;
}

/**
 * The one place an error becomes an HTTP answer:
 * RequestError -> its status; RoutingError and other usage errors (a closed Controller's: code
 * controller_closed) -> 400 invalid_request_error;
 * upstream 4xx -> passed through (status, body, retry-after); upstream timeout -> 504;
 * other upstream failures (5xx, unreachable) -> 502; a router that failed (threw, or gave a win rate out of
 * [0, 1]) -> 500 server_error, code router_failure: not the caller's fault; anything else -> 500.
 */
export function httpErrorFor(error: unknown): HttpError {
  if (error instanceof RequestError) {
    return answer(error.status, error.message, error.type, error.param, error.code, error.headers);
  }
  if (error instanceof RoutingError) return answer(400, error.message, 'invalid_request_error', error.param, error.code);
  if (error instanceof ControllerClosedError) return answer(400, error.message, 'invalid_request_error', null, 'controller_closed');
  if (error instanceof UsageError) return answer(400, error.message, 'invalid_request_error', null, null);
  if (error instanceof UpstreamTimeoutError) return answer(504, error.message, 'server_error', null, 'upstream_timeout');
  if (error instanceof UpstreamError) {
    const status = error.status;
    if (status !== undefined && status >= 400 && status < 500) {
      const headers = error instanceof UpstreamHttpError ? error.headers : {};
      return { status, body: upstreamBody(error.body, error.message, status), headers, internal: false };
    }
    return answer(502, error.message, 'server_error', null, 'upstream_error');
  }
  if (error instanceof RouterError) return { ...answer(500, error.message, 'server_error', null, 'router_failure'), internal: true };
  return { ...answer(500, 'internal server error; see the routellm server log', 'server_error', null, 'internal_error'), internal: true };
}

function answer(
  status: number,
  message: string,
  type: string,
  param: string | null,
  code: string | null,
  headers: Readonly<Record<string, string>> = {},
): HttpError {
  return { status, body: { error: { message, type, param, code } }, headers, internal: false };
}

/** The upstream's own error object when it sent one OpenAI-shaped, filled out to the full shape. */
function upstreamBody(body: unknown, message: string, status: number): OpenAIErrorBody {
  const error = (body as { error?: unknown } | undefined)?.error;
  return { error: openAIErrorObject(error, { message, type: status === 429 ? 'rate_limit_error' : 'invalid_request_error' }) };
}

/**
 * An upstream's `error` object filled out to OpenAI's four fields: the upstream's values kept
 * (extra fields too), `message` and `type` from `fallback` when missing, `param` and `code`
 * null when missing (a number code becomes its string). Anything but an object gives
 * `fallback` with a null param and code.
 */
export function openAIErrorObject(error: unknown, fallback: { message: string; type: string }): OpenAIErrorBody['error'] {
  if (error === null || typeof error !== 'object' || Array.isArray(error)) {
    return { message: fallback.message, type: fallback.type, param: null, code: null };
  }
  const fields = error as Record<string, unknown>;
  const code = fields['code'];
  return {
    ...fields,
    message: typeof fields['message'] === 'string' ? fields['message'] : fallback.message,
    type: typeof fields['type'] === 'string' ? fields['type'] : fallback.type,
    param: typeof fields['param'] === 'string' ? fields['param'] : null,
    code: typeof code === 'string' ? code : code === undefined || code === null ? null : String(code),
  };
}
