import { UpstreamError } from '../core/index.js';

/**
 * The upstream answered 2xx but with a body or stream that is not OpenAI's shape (bad JSON,
 * malformed SSE). Counts as an upstream failure (HTTP 502) and, before the first byte reached
 * the client, as a reason to fall back.
 */
export class MalformedUpstreamError extends UpstreamError {
  override readonly name: string = 'MalformedUpstreamError';
}
