import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { TextDecoder } from 'node:util';
import { boundedRoutingText, RouterError, routingText, UpstreamError, type Controller } from '../core/index.js';
import { elapsedMs, type RequestContext } from '../server/chat-completions.js';
import { httpErrorFor } from '../server/http-error.js';
import { readBody } from '../server/read-body.js';
import { addRelayedHeaders, isEventStream } from '../server/relay.js';
import type { UpstreamResponse } from '../upstream/chat-pass-through.js';
import type { AbortSignalLike } from '../upstream/light-abort.js';
import { takeRawBody } from '../upstream/node-http-fetch.js';
import type { Upstreams } from '../upstream/upstreams.js';
import { readChatRequest, type SourceBody } from './chat-request-guard.js';
import { MalformedUpstreamError } from './malformed-upstream-error.js';
import type { AttemptContext, Gateway, RequestScope, UpstreamLease } from './gateway.js';
import { SseRelay } from './sse-relay.js';
import { requestStreamUsage } from './stream-usage.js';

/** Largest non-streamed upstream answer held in memory before relaying (they are usually a few KiB). */
export const MAX_UPSTREAM_JSON_BYTES = 32 * 1024 * 1024;

export interface GatewayChatDeps {
  readonly controller: Controller;
  readonly upstreams: Upstreams;
  readonly maxBody: number;
  readonly gateway: Gateway;
}

/** What an upstream attempt hands back once it is safe to answer the client from it. */
type Answer =
  | { kind: 'json'; upstream: UpstreamResponse; bytes: Buffer; usage: unknown }
  | {
      kind: 'sse';
      upstream: UpstreamResponse;
      source: AsyncIterator<Buffer>;
      /** Whether the upstream's body has been received whole (false when unknown: an SDK body). */
      complete: () => boolean;
      /** Closes the upstream response at once, even while a read waits on it. */
      destroy: () => void;
      relay: SseRelay;
      decoder: TextDecoder;
      first: string;
      done: boolean;
      /** Set when the client's stream ended at [DONE] and the upstream is being read to its end in the background. */
      drainingAfterDone?: boolean;
    };

/** How long an upstream that sent [DONE] may keep its response open before its connection is let go. */
export const DONE_GRACE_MS = 1000;

/**
 * POST /v1/chat/completions with the gateway around it: the request guard, routing, then the
 * upstream call under the limiter, timeouts and fallback. An attempt counts as answered only
 * once its first complete SSE event (streams) or whole valid JSON body (otherwise) is in hand,
 * so a refused, failing, hanging or garbled upstream falls back before the client sees a byte;
 * after that, a failure ends the stream with an SSE error event and is never replayed.
 */
export function createGatewayChatHandler(deps: GatewayChatDeps) {
  const { gateway } = deps;
  return async (request: IncomingMessage, response: ServerResponse, context: RequestContext): Promise<void> => {
    const scope = context.scope ?? gateway.scopeFor(request) ?? gateway.begin(request, context.requestId, 'POST', '/v1/chat/completions');
    let body: Record<string, unknown>;
    let source: SourceBody | undefined;
    let routed: Awaited<ReturnType<Controller['routeChat']>>;
    try {
      ({ body, source } = readChatRequest(await readBody(request, deps.maxBody), request.headers['content-type']));
      routed = await deps.controller.routeChat(body);
    } catch (error) {
      // A router that fails to score is our failure (500), not a bad request.
      if (!context.signal.aborted) scope.reject(error instanceof RouterError ? 'router_error' : 'bad_request');
      throw error;
    }
    const { decision, forward } = routed;
    context.decision = decision;
    const wantsStream = body['stream'] === true;
    scope.stream = wantsStream;
    // What the router scored, not the whole prompt again: bounded like the decision itself.
    scope.routed(decision, gateway.options.logPrompts ? boundedRoutingText(routingText(body['messages'])) : undefined);
    if (gateway.options.verbose) {
      // serve --verbose: the decision as it is made, before the upstream answers.
      gateway.log.logger.info(
        { request_id: scope.requestId, router: decision.router, threshold: decision.threshold, strong_win_rate: decision.strongWinRate, model: decision.model },
        `routed to ${decision.model}: ${decision.router} win rate ${decision.strongWinRate} ${decision.strongWinRate >= decision.threshold ? '>=' : '<'} threshold ${decision.threshold}`,
      );
    }
    // --no-stream-usage: the client's body as it is, for upstreams that refuse stream_options.
    const { forward: upstreamBody, clientWantsUsage } = gateway.options.streamUsage ? requestStreamUsage(forward) : { forward, clientWantsUsage: true };
    // The client's bytes go upstream with only `model` spliced in, unless stream_options must change inside them.
    const addStreamUsage = !clientWantsUsage;
    const spliced = source !== undefined && (!addStreamUsage || !('stream_options' in body)) ? { body: source, addStreamUsage } : undefined;

    let lease: UpstreamLease<Answer>;
    try {
      lease = await gateway.callUpstream(scope, decision.model, context.signal, (model, attempt) =>
        deps.upstreams.chat(model, upstreamBody, { signal: attempt.signal, source: spliced }).then((upstream) => readAnswer(upstream, wantsStream, clientWantsUsage, model, attempt)),
      );
    } catch (error) {
      // The error answer still says how many upstream calls were made and, after a fallback,
      // names the model whose failure it reports (as a success names the model that answered).
      if (scope.attempts !== undefined && !response.headersSent) {
        response.setHeader('x-routellm-attempts', String(scope.attempts));
        if (scope.fallbackFrom !== undefined && scope.model !== undefined) {
          response.setHeader('x-routellm-fallback', scope.fallbackFrom);
          context.decision = { ...decision, model: scope.model };
        }
      }
      throw error;
    }
    const answer = lease.value;
    try {
      // One header object, built in place (routingHeaders' fields, the answering model in its seat).
      const headers: OutgoingHttpHeaders = {
        'x-routellm-model': lease.model,
        'x-routellm-router': decision.router,
        'x-routellm-threshold': String(decision.threshold),
        'x-routellm-strong-win-rate': String(decision.strongWinRate),
        'x-routellm-attempts': String(lease.attempts),
      };
      if (lease.fallbackFrom !== undefined) headers['x-routellm-fallback'] = lease.fallbackFrom;
      headers['x-request-id'] = context.requestId;
      headers['openai-processing-ms'] = elapsedMs(context.started);
      addRelayedHeaders(answer.upstream, headers);
      if (answer.kind === 'json') {
        scope.usage(answer.usage);
        headers['content-length'] = answer.bytes.length;
        response.writeHead(answer.upstream.status, headers);
        response.end(answer.bytes);
        lease.end('ok');
        return;
      }
      // The usage chunk may be dropped and events re-joined: the upstream's length no longer holds.
      delete headers['content-length'];
      response.writeHead(answer.upstream.status, headers);
      await relayStream(answer, response, lease, scope, context.signal);
    } finally {
      // Whatever went wrong above, the slot and the upstream stream are let go (both idempotent).
      lease.end('error');
      if (answer.kind === 'sse' && answer.drainingAfterDone !== true) void answer.source.return?.();
    }
  };
}

/**
 * Reads an upstream answer until it is known good: a whole JSON body, or a stream's first event.
 * An answer of the other kind than asked for is malformed: relayed, the client's SDK would take
 * a completion for an empty stream, or return a stream's raw text as the completion.
 */
function readAnswer(upstream: UpstreamResponse, wantsStream: boolean, keepUsageChunk: boolean, model: string, attempt: AttemptContext): Promise<Answer> {
  const sse = isEventStream(upstream.headers.get('content-type'));
  if (sse !== wantsStream) {
    const sent = sse ? 'an event stream' : 'a single JSON answer';
    return Promise.reject(new MalformedUpstreamError(`model "${model}" sent ${sent} to a request with stream: ${wantsStream}`, { status: upstream.status }));
  }
  if (sse) return readFirstEvent(upstream, keepUsageChunk, model, attempt);
  // A completion's headers come when it is written; the body follows at once.
  attempt.firstByte();
  return readJsonBody(upstream, model).then((bytes) => jsonAnswer(upstream, bytes, model));
}

/** A whole non-streamed answer, checked: valid JSON with a `choices` array. */
function jsonAnswer(upstream: UpstreamResponse, bytes: Buffer, model: string): Answer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new MalformedUpstreamError(`model "${model}" sent an answer that is not JSON`, { status: upstream.status });
  }
  const record = parsed as Record<string, unknown> | null;
  if (typeof record !== 'object' || record === null || !Array.isArray(record['choices'])) {
    throw new MalformedUpstreamError(`model "${model}" sent JSON that is not a chat completion`, { status: upstream.status });
  }
  return { kind: 'json', upstream, bytes, usage: record['usage'] };
}

/** A stream's answer, read up to its first complete event. */
async function readFirstEvent(upstream: UpstreamResponse, keepUsageChunk: boolean, model: string, attempt: AttemptContext): Promise<Answer> {
  const raw = takeRawBody(upstream);
  const source = bodyIterator(upstream, raw);
  const relay = new SseRelay({ keepUsageChunk });
  const decoder = new TextDecoder();
  try {
    for (;;) {
      const next = await source.next();
      const out = next.done ? relay.end() : relay.push(decoder.decode(next.value, { stream: true }));
      if (relay.events === 0 && !next.done) {
        // Keep-alive comments (`: ping`) or part of an event: not silence, but not an event either. Comments are
        // not forwarded (the client has no response yet), and an error event after them still falls back.
        attempt.activity();
        continue;
      }
      // A stream's first byte that counts is its first event: headers then silence is a hang.
      attempt.firstByte();
      if (relay.upstreamError !== undefined && relay.events === 1) {
        // An error as the very first event: nothing has reached the client, so the other model may answer.
        throw upstreamErrorEvent(relay.upstreamError, model, 'answered with an error event');
      }
      return { kind: 'sse', upstream, source, complete: () => raw?.complete === true, destroy: () => (raw ? raw.destroy() : void source.return?.()), relay, decoder, first: out.text, done: next.done === true };
    }
  } catch (error) {
    if (error instanceof UpstreamError) throw error;
    throw new UpstreamError(`model "${model}" broke off its stream before the first event: ${(error as Error).message}`);
  }
}

/**
 * Relays the rest of a stream with backpressure; a failure ends it with one SSE error event.
 * An upstream failure (its own error event included) is recorded on the scope: logged with the
 * stream's 200 and counted as an upstream failure. A client that leaves is the server's to
 * record (499), not a failure of the upstream.
 */
async function relayStream(answer: Extract<Answer, { kind: 'sse' }>, response: ServerResponse, lease: UpstreamLease<Answer>, scope: RequestScope, clientSignal: AbortSignalLike): Promise<void> {
  const { source, relay, decoder } = answer;
  let outcome: 'ok' | 'error' = 'ok';
  // Events that arrive together leave together: cork, and uncork once the loop has taken
  // what is already buffered (one writev instead of a syscall per event).
  let corked = false;
  const write = (text: string): Promise<void> | undefined => {
    if (!corked) {
      corked = true;
      response.cork();
      setImmediate(() => {
        corked = false;
        if (!response.destroyed) response.uncork();
      });
    }
    if (response.write(text)) return undefined;
    lease.waitingOnClient();
    return drainedOrGone(response, clientSignal);
  };
  try {
    let done = answer.done;
    let pending = answer.first;
    while (!done) {
      if (relay.done && !answer.complete()) {
        // [DONE] came and the upstream keeps its response open: the client's answer is whole, so it ends
        // here; the upstream is read to its end in the background (its connection may go back to the pool).
        scope.usage(relay.usage);
        answer.drainingAfterDone = true;
        response.end(pending);
        void drainAfterDone(source, answer.destroy);
        return;
      }
      if (pending !== '') await write(pending);
      pending = '';
      // Silence is counted from here: time spent waiting on a slow client is not the upstream's.
      lease.activity();
      const next = await source.next();
      const out = next.done ? relay.end() : relay.push(decoder.decode(next.value, { stream: true }));
      // After [DONE], a body already received whole is read to its end, so its connection goes back to the pool.
      done = next.done === true;
      pending += out.text;
    }
    scope.usage(relay.usage);
    if (relay.upstreamError !== undefined) {
      // The upstream's own error event went to the client as it was; the stream ended there.
      outcome = 'error';
      scope.streamFailed(upstreamErrorEvent(relay.upstreamError, lease.model, 'sent an error event mid-stream'));
    }
    response.end(pending);
  } catch (error) {
    outcome = 'error';
    scope.usage(relay.usage);
    if (clientSignal.aborted || response.writableEnded || response.destroyed) return;
    const reason = lease.explain(error);
    const failure =
      reason instanceof UpstreamError ? reason : new UpstreamError(`model "${lease.model}": the upstream stream ended early (${(reason as Error)?.message ?? String(reason)})`);
    scope.streamFailed(failure);
    response.end(`data: ${JSON.stringify(httpErrorFor(failure).body)}\n\n`);
  } finally {
    lease.end(outcome);
    if (answer.drainingAfterDone !== true) void source.return?.();
  }
}

/**
 * Reads an upstream stream that already sent [DONE] to its end, relaying nothing; one that has
 * not ended within DONE_GRACE_MS is let go (its connection closed). Nothing here is a failure:
 * the client has its whole answer.
 */
async function drainAfterDone(source: AsyncIterator<Buffer>, destroy: () => void): Promise<void> {
  // Not source.return(): an async iterator queues it behind the read that waits on the silent upstream.
  const timer = setTimeout(destroy, DONE_GRACE_MS);
  timer.unref();
  try {
    while (!(await source.next()).done) {
      // bytes after [DONE] are dropped
    }
  } catch {
    // a reset after [DONE] changes nothing for the client
  } finally {
    clearTimeout(timer);
  }
}

/** An upstream's own error event, first or mid-stream: a 502-class failure carrying the upstream's error object. */
function upstreamErrorEvent(upstreamError: unknown, model: string, what: string): UpstreamError {
  const message = (upstreamError as { message?: unknown } | null)?.message;
  return new UpstreamError(`model "${model}" ${what}: ${typeof message === 'string' ? message : 'no message'}`, {
    status: 502,
    body: { error: upstreamError },
  });
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

/**
 * A non-streamed answer, whole (bounded). Listens to the upstream stream directly: an async
 * iterator costs a promise and a microtask turn per chunk on the hot path.
 */
function readJsonBody(upstream: UpstreamResponse, model: string): Promise<Buffer> {
  const raw = takeRawBody(upstream);
  const source: Readable | undefined = raw ?? (upstream.body ? Readable.fromWeb(upstream.body as never) : undefined);
  if (!source) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const fail = (error: Error) => {
      source.off('data', onData);
      source.destroy();
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_UPSTREAM_JSON_BYTES) fail(new MalformedUpstreamError(`model "${model}" sent an answer over ${MAX_UPSTREAM_JSON_BYTES} bytes`));
      else chunks.push(chunk);
    };
    // `on`, not `once`: each fires at most once here anyway, and once wraps every listener in a closure.
    source.on('data', onData);
    source.on('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)));
    // Typed as upstream failures, so the other model may still answer: nothing reached the client.
    source.on('error', (error: Error) => fail(new UpstreamError(`model "${model}" broke off its answer: ${error.message}`, { cause: error })));
    source.on('close', () => {
      if (!source.readableEnded) fail(new UpstreamError(`model "${model}" closed the connection before its answer ended`));
    });
  });
}

function bodyIterator(upstream: UpstreamResponse, raw: Readable | undefined): AsyncIterator<Buffer> {
  if (raw) return raw[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  if (!upstream.body) return Readable.from([])[Symbol.asyncIterator]();
  return Readable.fromWeb(upstream.body as never)[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
}
