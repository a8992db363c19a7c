import type { OutgoingHttpHeaders } from 'node:http';
import type { UpstreamResponse } from '../../upstream/chat-pass-through.js';
import { isEventStream } from '../chat/read-answer.js';

/** Upstream response headers the client gets as they are (the rest describe the upstream hop). */
const PASSED_HEADERS = ['content-type', 'content-length', 'retry-after', 'retry-after-ms', 'openai-version'];
const RATE_LIMIT_PREFIX = 'x-ratelimit-';

/** Milliseconds since `started` (process.hrtime.bigint()), as a whole-number string: `openai-processing-ms`. */
export function elapsedMs(started: bigint): string {
  return String(Number((process.hrtime.bigint() - started) / 1_000_000n));
}

/**
 * Adds the upstream's passed-through headers to an answer's headers, built in place by the caller
 * (no copy): content type and length, retry hints, rate-limit state, and the upstream's request id
 * as `x-routellm-upstream-request-id`.
 */
export function addRelayedHeaders(upstream: UpstreamResponse, headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  upstream.headers.forEach((value, name) => {
    if (PASSED_HEADERS.includes(name) || name.startsWith(RATE_LIMIT_PREFIX)) headers[name] = value;
  });
  const upstreamId = upstream.headers.get('x-request-id');
  if (upstreamId !== null) headers['x-routellm-upstream-request-id'] = upstreamId;
  if (headers['content-type'] === undefined) headers['content-type'] = 'application/json';
  else if (isEventStream(headers['content-type'])) {
    // Whatever sits between us and the client (nginx, a CDN) must pass events on as they come.
    headers['cache-control'] = 'no-cache';
    headers['x-accel-buffering'] = 'no';
  }
  return headers;
}
