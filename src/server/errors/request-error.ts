import { RoutellmError } from '../../core/index.js';
import type { OpenAIErrorBody } from './http-error.js';

/**
 * A request the server answers itself with a fixed status: unknown path (404), wrong method
 * (405), a malformed body (400/413/415), a missing key (401), too many headers (431), a full
 * queue (429). Carries its OpenAI fields and extra headers (`retry-after`, `www-authenticate`),
 * so `httpErrorFor` maps every case in one line.
 */
export class RequestError extends RoutellmError {
  override readonly name: string = 'RequestError';
  readonly status: number;
  readonly type: string;
  readonly param: string | null;
  readonly code: string | null;
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
  body(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}
