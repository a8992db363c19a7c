import { RoutellmError, UpstreamError } from '../core/index.js';

/** OpenAI's error body: the official SDK reads `error.message` from exactly this shape. */
export interface OpenAiErrorBody {
  readonly error: {
    readonly message: string;
    readonly type: string;
    readonly param: string | null;
    readonly code: string | null;
  };
}

/**
 * A request the gateway answers itself with a fixed HTTP status: a missing key (401), a full
 * queue (429), a malformed body (400/413/415/431). Carries its OpenAI-shaped body and headers,
 * so the server maps it to a response in one place without knowing each case.
 */
export class GatewayHttpError extends RoutellmError {
  override readonly name: string = 'GatewayHttpError';
  readonly status: number;
  readonly type: string;
  readonly param: string | null;
  readonly code: string | null;
  /** Extra response headers, such as `retry-after` or `www-authenticate`. */
  readonly headers: Readonly<Record<string, string>>;
  constructor(
    status: number,
    message: string,
    options: { type?: string; param?: string | null; code?: string | null; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.status = status;
    this.type = options.type ?? 'invalid_request_error';
    this.param = options.param ?? null;
    this.code = options.code ?? null;
    this.headers = options.headers ?? {};
  }

  /** The OpenAI-shaped body for this error. */
  body(): OpenAiErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/**
 * The upstream answered 2xx but with a body or stream that is not OpenAI's shape (bad JSON,
 * malformed SSE). Counts as an upstream failure (HTTP 502) and, before the first byte reached
 * the client, as a reason to fall back.
 */
export class MalformedUpstreamError extends UpstreamError {
  override readonly name: string = 'MalformedUpstreamError';
}
