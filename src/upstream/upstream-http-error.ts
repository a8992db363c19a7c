import { UpstreamError } from '../core/index.js';

/**
 * The upstream answered with an error status. Carries the headers a client needs to
 * act on it (`retry-after` on 429), which the core's UpstreamError has no room for.
 */
export class UpstreamHttpError extends UpstreamError {
  override readonly name: string = 'UpstreamHttpError';
  /** Upstream response headers worth passing to the client, lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The status the upstream sent, when `status` (what the client gets) differs: 401/403/404 answered as 502. */
  readonly upstreamStatus: number;
  constructor(message: string, options: { status: number; body: unknown; headers: Record<string, string>; upstreamStatus?: number }) {
    super(message, { status: options.status, body: options.body });
    this.headers = options.headers;
    this.upstreamStatus = options.upstreamStatus ?? options.status;
  }
}
