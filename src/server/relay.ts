import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { UpstreamError } from '../core/index.js';
import type { UpstreamResponse } from '../upstream/chat-pass-through.js';
import { takeRawBody } from '../upstream/node-http-fetch.js';
import { httpErrorFor } from './http-error.js';

/** Upstream response headers the client gets as they are (the rest describe the upstream hop). */
const PASSED_HEADERS = ['content-type', 'content-length', 'retry-after', 'retry-after-ms', 'openai-version'];
const RATE_LIMIT_PREFIX = 'x-ratelimit-';
/** Largest unfinished SSE event held back at a time. */
const MAX_HELD_BYTES = 1024 * 1024;

/** True for an SSE content type: the one test of "is this answer a stream" for every relay. */
export function isEventStream(contentType: unknown): boolean {
  return typeof contentType === 'string' && contentType.includes('text/event-stream');
}

/** The headers of a relayed response: ours, then the upstream's passed-through ones. */
export function relayHeaders(upstream: UpstreamResponse, ours: OutgoingHttpHeaders): OutgoingHttpHeaders {
  return addRelayedHeaders(upstream, { ...ours });
}

/** `relayHeaders` into an object the caller built and owns (no copy): adds the upstream's passed-through headers. */
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

/**
 * Copies the upstream body to the client as it arrives, with backpressure. Resolves when
 * the client has the whole body, or when the client hung up (the upstream stream is then
 * destroyed, closing its socket). If the upstream dies mid-body: an SSE stream gets a final
 * `data: {"error":...}` event after its last complete event; a JSON body cannot be
 * repaired, so the client connection is cut and the client sees an incomplete response.
 */
export function relayBody(upstream: UpstreamResponse, response: ServerResponse, describe: string): Promise<void> {
  const source: Readable | undefined = takeRawBody(upstream) ?? (upstream.body ? Readable.fromWeb(upstream.body as never) : undefined);
  if (!source) {
    response.end();
    return Promise.resolve();
  }
  const sse = isEventStream(upstream.headers.get('content-type'));
  return new Promise((resolve) => {
    // Bytes after the last event boundary, held back so a cut stream never ends mid-event.
    let partial: Buffer | undefined;
    let settled = false;
    let corked = false;
    const uncork = () => {
      corked = false;
      if (!response.destroyed) response.uncork();
    };
    const finish = () => {
      if (settled) return;
      settled = true;
      source.off('data', onData);
      response.off('drain', onDrain);
      response.off('close', onClientClose);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      let out = chunk;
      if (sse) {
        if (partial) {
          out = Buffer.concat([partial, chunk]);
          partial = undefined;
        }
        const end = eventBoundary(out);
        if (end === 0) {
          // Hold an unfinished event back, unless it grows past any sane event size: then let it through.
          if (out.length <= MAX_HELD_BYTES) {
            partial = out;
            return;
          }
        } else if (end < out.length) {
          partial = out.subarray(end);
          out = out.subarray(0, end);
        }
      }
      // Events that arrive in one read leave in one write: cork, and uncork after this turn of
      // the loop (setImmediate), so a stream's end usually rides in the same writev as its last
      // events: one syscall and one client wake-up instead of one per event.
      if (!corked) {
        corked = true;
        response.cork();
        setImmediate(uncork);
      }
      if (!response.write(out)) source.pause();
    };
    const onDrain = () => source.resume();
    const onClientClose = () => {
      if (!response.writableFinished) source.destroy();
      finish();
    };
    const onEnd = () => {
      if (partial) response.write(partial);
      response.end(finish);
    };
    const onBroken = () => {
      if (settled || response.writableEnded) return;
      if (sse) {
        const error = httpErrorFor(new UpstreamError(`${describe}: the upstream stream ended early`));
        response.end(`data: ${JSON.stringify(error.body)}\n\n`, finish);
      } else {
        response.destroy();
        finish();
      }
    };
    source.on('data', onData);
    source.on('end', onEnd);
    source.on('error', onBroken);
    source.on('close', () => {
      if (!(source as IncomingMessage).complete && !source.readableEnded) onBroken();
    });
    response.on('drain', onDrain);
    response.on('close', onClientClose);
  });
}

/** Index just past the last SSE event boundary (a blank line: LF LF, CRLF CRLF or CR CR), or 0. */
function eventBoundary(chunk: Buffer): number {
  const lf = chunk.lastIndexOf('\n\n');
  const crlf = chunk.lastIndexOf('\r\n\r\n');
  const cr = chunk.lastIndexOf('\r\r');
  return Math.max(lf < 0 ? 0 : lf + 2, crlf < 0 ? 0 : crlf + 4, cr < 0 ? 0 : cr + 2);
}
