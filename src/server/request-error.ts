import { RoutellmError } from '../core/index.js';

/**
 * A request the server refuses before routing: unknown path (404), wrong method (405),
 * body too large (413), unparseable body (400). Carries its own status and OpenAI fields.
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
}
