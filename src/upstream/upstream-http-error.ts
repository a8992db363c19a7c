import { UpstreamError } from '../core/index.js';

/**
 * The upstream answered with an error status. Carries the headers a client needs to
 * act on it (`retry-after` on 429), which the core's UpstreamError has no room for.
 */
export class UpstreamHttpError extends UpstreamError {
  override readonly name: string = 'UpstreamHttpError';
  /** Upstream response headers worth passing to the client, lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  constructor(message: string, options: { status: number; body: unknown; headers: Record<string, string> }) {
    super(message, { status: options.status, body: options.body });
    this.headers = options.headers;
  }
}
