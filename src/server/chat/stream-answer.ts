import { UpstreamError } from '../../core/index.js';
import type { StreamAnswer } from './read-answer.js';
import { upstreamErrorEvent } from './read-answer.js';
import type { RequestRecord } from './request-record.js';
import type { RelayOutput } from './sse-relay.js';
import type { UpstreamLease } from './upstream-lease.js';

/** How long an upstream that sent [DONE] may keep its response open before its connection is let go. */
export const DONE_GRACE_MS = 1000;

/**
 * Who reads a stream's events: an HTTP client (SSE text, with the socket's backpressure) or an
 * in-process caller (parsed chunks, pulled by its `for await`).
 */
export interface StreamReader {
  /** Takes the next events; returns a promise while the reader is still busy with what it has (backpressure), else undefined. */
  write(out: RelayOutput): Promise<void> | undefined;
  /** The stream is over: `out` holds its last events (up to [DONE], or the upstream's own error event). */
  end(out: RelayOutput): void;
  /** The stream failed after its first event: tell the reader (an SSE error event; a thrown error in-process). Never replayed. */
  fail(error: UpstreamError): void;
  /** True once the reader has gone (the client hung up, the caller stopped reading). */
  gone(): boolean;
}

/**
 * Relays the rest of a stream with backpressure; a failure ends it through `reader.fail`. An
 * upstream failure (its own error event included) is recorded: logged with the stream's 200 and
 * counted as an upstream failure. A reader that leaves is the adapter's to record (499), not a
 * failure of the upstream. The same loop serves an HTTP client and an in-process caller.
 */
export async function relayStream(answer: StreamAnswer, reader: StreamReader, lease: UpstreamLease<unknown>, record: RequestRecord): Promise<void> {
  const { source, relay, decoder } = answer;
  let outcome: 'ok' | 'error' = 'ok';
  try {
    let done = answer.done;
    let pending = answer.first;
    while (!done) {
      if (relay.done && !answer.complete()) {
        // [DONE] came and the upstream keeps its response open: the reader's answer is whole, so it ends
        // here; the upstream is read to its end in the background (its connection may go back to the pool).
        record.usage(relay.usage);
        answer.drainingAfterDone = true;
        reader.end(pending);
        void drainAfterDone(source, answer.destroy);
        return;
      }
      if (pending.text !== '' || pending.chunks.length > 0) {
        const busy = reader.write(pending);
        if (busy) {
          // Silence is counted from after the wait: time spent on a slow reader is not the upstream's.
          lease.waitingOnClient();
          await busy;
        }
      }
      lease.activity();
      const next = await source.next();
      pending = next.done ? relay.end() : relay.push(decoder.decode(next.value, { stream: true }));
      // After [DONE], a body already received whole is read to its end, so its connection goes back to the pool.
      done = next.done === true;
    }
    record.usage(relay.usage);
    if (relay.upstreamError !== undefined) {
      // The upstream's own error event went to the reader as it was; the stream ended there.
      outcome = 'error';
      record.streamFailed(upstreamErrorEvent(relay.upstreamError, lease.model, 'sent an error event mid-stream'));
    }
    reader.end(pending);
  } catch (error) {
    outcome = 'error';
    record.usage(relay.usage);
    if (reader.gone()) return;
    const reason = lease.explain(error);
    const failure =
      reason instanceof UpstreamError ? reason : new UpstreamError(`model "${lease.model}": the upstream stream ended early (${(reason as Error)?.message ?? String(reason)})`);
    record.streamFailed(failure);
    reader.fail(failure);
  } finally {
    lease.end(outcome);
    if (answer.drainingAfterDone !== true) void source.return?.();
  }
}

/**
 * Reads an upstream stream that already sent [DONE] to its end, relaying nothing; one that has
 * not ended within DONE_GRACE_MS is let go (its connection closed). Nothing here is a failure:
 * the reader has its whole answer.
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
    // a reset after [DONE] changes nothing for the reader
  } finally {
    clearTimeout(timer);
  }
}
