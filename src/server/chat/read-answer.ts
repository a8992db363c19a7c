import type { Readable } from 'node:stream';
import { TextDecoder } from 'node:util';
import { UpstreamError } from '../../core/index.js';
import type { UpstreamResponse } from '../../upstream/chat-pass-through.js';
import { MalformedUpstreamError } from '../../upstream/malformed-upstream-error.js';
import { SseRelay, type RelayCollect, type RelayOutput } from './sse-relay.js';
import type { AttemptContext } from './upstream-attempt.js';

/** Largest non-streamed upstream answer held in memory before relaying (they are usually a few KiB). */
export const MAX_UPSTREAM_JSON_BYTES = 32 * 1024 * 1024;

/** A whole non-streamed answer, checked: its bytes (relayed as they are) and the completion they hold. */
export interface JsonAnswer {
  readonly kind: 'json';
  readonly upstream: UpstreamResponse;
  readonly bytes: Buffer;
  readonly completion: Record<string, unknown>;
  readonly usage: unknown;
}

/** A stream's answer, read up to its first complete event; the rest is relayed by relayStream. */
export interface StreamAnswer {
  readonly kind: 'sse';
  readonly upstream: UpstreamResponse;
  readonly source: AsyncIterator<Buffer>;
  /** Whether the upstream's body has ended (read to its end). */
  readonly complete: () => boolean;
  /** Closes the upstream response at once, even while a read waits on it. */
  readonly destroy: () => void;
  readonly relay: SseRelay;
  readonly decoder: TextDecoder;
  /** What the first read produced: the first event and whatever came with it. */
  readonly first: RelayOutput;
  /** The upstream's body ended with that first read. */
  readonly done: boolean;
  /** Set when the reader's stream ended at [DONE] and the upstream is being read to its end in the background. */
  drainingAfterDone?: boolean;
}

/** What an upstream attempt hands back once it is safe to answer from it. */
export type Answer = JsonAnswer | StreamAnswer;

/** True for an SSE content type: the one test of "is this answer a stream". */
export function isEventStream(contentType: unknown): boolean {
  return typeof contentType === 'string' && contentType.includes('text/event-stream');
}

/**
 * Reads an upstream answer until it is known good: a whole JSON body, or a stream's first event.
 * An answer of the other kind than asked for is malformed: relayed, the client's SDK would take
 * a completion for an empty stream, or return a stream's raw text as the completion.
 */
export function readAnswer(upstream: UpstreamResponse, wantsStream: boolean, keepUsageChunk: boolean, model: string, attempt: AttemptContext, collect: RelayCollect): Promise<Answer> {
  const sse = isEventStream(upstream.headers.get('content-type'));
  if (sse !== wantsStream) {
    const sent = sse ? 'an event stream' : 'a single JSON answer';
    return Promise.reject(new MalformedUpstreamError(`model "${model}" sent ${sent} to a request with stream: ${wantsStream}`, { status: upstream.status }));
  }
  if (sse) return readFirstEvent(upstream, keepUsageChunk, model, attempt, collect);
  // A completion's headers come when it is written; the body follows at once.
  attempt.firstByte();
  return readJsonBody(upstream, model).then((bytes) => jsonAnswer(upstream, bytes, model));
}

/** A whole non-streamed answer, checked: valid JSON with a `choices` array. */
function jsonAnswer(upstream: UpstreamResponse, bytes: Buffer, model: string): JsonAnswer {
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
  return { kind: 'json', upstream, bytes, completion: record, usage: record['usage'] };
}

/** A stream's answer, read up to its first complete event. */
async function readFirstEvent(upstream: UpstreamResponse, keepUsageChunk: boolean, model: string, attempt: AttemptContext, collect: RelayCollect): Promise<StreamAnswer> {
  const raw = upstream.takeBody();
  const source = raw[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const relay = new SseRelay({ keepUsageChunk, collect });
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
      return { kind: 'sse', upstream, source, complete: () => raw.readableEnded, destroy: () => raw.destroy(), relay, decoder, first: out, done: next.done === true };
    }
  } catch (error) {
    if (error instanceof UpstreamError) throw error;
    throw new UpstreamError(`model "${model}" broke off its stream before the first event: ${(error as Error).message}`);
  }
}

/** An upstream's own error event, first or mid-stream: a 502-class failure carrying the upstream's error object. */
export function upstreamErrorEvent(upstreamError: unknown, model: string, what: string): UpstreamError {
  const message = (upstreamError as { message?: unknown } | null)?.message;
  return new UpstreamError(`model "${model}" ${what}: ${typeof message === 'string' ? message : 'no message'}`, {
    status: 502,
    body: { error: upstreamError },
  });
}

/**
 * A non-streamed answer, whole (bounded). Listens to the upstream stream directly: an async
 * iterator costs a promise and a microtask turn per chunk on the hot path.
 */
function readJsonBody(upstream: UpstreamResponse, model: string): Promise<Buffer> {
  const source: Readable = upstream.takeBody();
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
