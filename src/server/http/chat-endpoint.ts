import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { UpstreamError } from '../../core/index.js';
import type { AbortSignalLike } from '../../upstream/light-abort.js';
import type { ChatPipeline } from '../chat/chat-pipeline.js';
import { readChatRequest } from '../chat/chat-request-guard.js';
import type { RelayOutput } from '../chat/sse-relay.js';
import { decisionHeaders } from '../chat/routing-headers.js';
import { relayStream, type StreamReader } from '../chat/stream-answer.js';
import { httpErrorFor } from '../errors/http-error.js';
import { addRelayedHeaders, elapsedMs } from './answer-headers.js';
import { readBody } from './read-body.js';
import type { Handler } from './request-context.js';

/**
 * POST /v1/chat/completions: the HTTP adapter over the chat pipeline. Reads the body (bounded),
 * checks it (the request guard), lets the pipeline route and call upstream, then writes the answer:
 * a whole completion's bytes as the upstream sent them, or the stream's events as they come, with
 * the routing headers. Errors before the first byte are thrown (the server answers them); a stream
 * that fails after it ends with an SSE error event.
 */
export function createChatEndpoint(deps: { readonly pipeline: ChatPipeline; readonly maxBody: number }): Handler {
  const { pipeline, maxBody } = deps;
  return async (request, response, context) => {
    const record = context.record;
    let input: ReturnType<typeof readChatRequest>;
    try {
      input = readChatRequest(await readBody(request, maxBody), request.headers['content-type']);
    } catch (error) {
      if (!context.signal.aborted) record.reject('bad_request');
      throw error;
    }
    const { decision, lease } = await pipeline.open(record, input, context.signal, 'text');
    const answer = lease.value;
    try {
      // One header object, built in place: what was routed, the answering model in its seat.
      const headers: OutgoingHttpHeaders = decisionHeaders(decision, lease.model, { count: lease.attempts, tried: lease.tried });
      if (lease.fallbackFrom !== undefined) headers['x-routellm-fallback'] = lease.fallbackFrom;
      headers['x-request-id'] = context.requestId;
      headers['openai-processing-ms'] = elapsedMs(context.started);
      addRelayedHeaders(answer.upstream, headers);
      if (answer.kind === 'json') {
        record.usage(answer.usage);
        headers['content-length'] = answer.bytes.length;
        response.writeHead(answer.upstream.status, headers);
        response.end(answer.bytes);
        lease.end('ok');
        return;
      }
      // The usage chunk may be dropped and events re-joined: the upstream's length no longer holds.
      delete headers['content-length'];
      response.writeHead(answer.upstream.status, headers);
      await relayStream(answer, new ResponseReader(response, context.signal), lease, record);
    } finally {
      // Whatever went wrong above, the slot and the upstream stream are let go (both idempotent).
      lease.end('error');
      if (answer.kind === 'sse' && answer.drainingAfterDone !== true) void answer.source.return?.();
    }
  };
}

/** A stream's reader over an HTTP response: SSE text, written with the socket's backpressure. */
class ResponseReader implements StreamReader {
  readonly #response: ServerResponse;
  readonly #signal: AbortSignalLike;
  #corked = false;
  readonly #uncork = () => {
    this.#corked = false;
    if (!this.#response.destroyed) this.#response.uncork();
  };

  constructor(response: ServerResponse, signal: AbortSignalLike) {
    this.#response = response;
    this.#signal = signal;
  }

  write(out: RelayOutput): Promise<void> | undefined {
    const response = this.#response;
    // Events that arrive together leave together: cork, and uncork once the loop has taken what is
    // already buffered (one writev instead of a syscall per event).
    if (!this.#corked) {
      this.#corked = true;
      response.cork();
      setImmediate(this.#uncork);
    }
    if (response.write(out.text)) return undefined;
    return drainedOrGone(response, this.#signal);
  }

  end(out: RelayOutput): void {
    this.#response.end(out.text);
  }

  fail(error: UpstreamError): void {
    this.#response.end(`data: ${JSON.stringify(httpErrorFor(error).body)}\n\n`);
  }

  gone(): boolean {
    const response = this.#response;
    return this.#signal.aborted || response.writableEnded || response.destroyed;
  }
}

/** Resolves on the response's next 'drain'; rejects with the signal's reason if the client goes first. */
function drainedOrGone(response: ServerResponse, signal: AbortSignalLike): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onDrain = () => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    };
    const onAbort = () => {
      response.off('drain', onDrain);
      reject(signal.reason);
    };
    response.once('drain', onDrain);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
