import { OpenAIError } from 'openai';
import { Stream } from 'openai/core/streaming';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { UpstreamError } from '../core/index.js';
import { httpErrorFor } from '../server/errors/http-error.js';
import type { RelayOutput } from '../server/chat/sse-relay.js';
import type { StreamReader } from '../server/chat/stream-answer.js';
import type { AbortSignalLike } from '../upstream/light-abort.js';
import { streamError } from './api-errors.js';

const END = Symbol('end');

/**
 * A stream's reader in-process: the relay loop hands it parsed chunks, the caller's `for await`
 * takes them. The loop waits while the caller has chunks it has not taken (backpressure: the
 * upstream is read no faster than the caller reads), or until the attempt's clocks stop it.
 */
export class ChunkReader implements StreamReader {
  readonly #queue: unknown[] = [];
  #head = 0;
  #ended = false;
  #failure: UpstreamError | undefined;
  #gone = false;
  /** The status the request is finished with: 200 once the stream ended (or failed) for a reader still there, else 499. */
  #status = 499;
  /** Wakes the caller waiting for a chunk. */
  #wake: (() => void) | undefined;
  /** Wakes the relay loop waiting for the caller to take what it has. */
  #taken: (() => void) | undefined;
  readonly #upstreamSignal: AbortSignalLike;

  constructor(upstreamSignal: AbortSignalLike) {
    this.#upstreamSignal = upstreamSignal;
  }

  write(out: RelayOutput): Promise<void> | undefined {
    for (const chunk of out.chunks) this.#queue.push(chunk);
    this.#wakeCaller();
    if (this.#head >= this.#queue.length || this.#gone) return undefined;
    return new Promise<void>((resolve) => {
      const signal = this.#upstreamSignal;
      // The attempt's clocks (--timeout, --deadline) still run: when one stops it, the loop must go on to see it.
      const onAbort = () => done();
      const done = () => {
        this.#taken = undefined;
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      this.#taken = done;
      if (signal.aborted) done();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  end(out: RelayOutput): void {
    for (const chunk of out.chunks) this.#queue.push(chunk);
    this.#ended = true;
    if (!this.#gone) this.#status = 200;
    this.#wakeCaller();
  }

  fail(error: UpstreamError): void {
    this.#failure = error;
    if (!this.#gone) this.#status = 200;
    this.#wakeCaller();
  }

  gone(): boolean {
    return this.#gone;
  }

  /** 200, or 499 when the caller left before the stream was over. */
  get status(): number {
    return this.#status;
  }

  /** The caller stopped reading (broke out of its loop, or aborted). */
  leave(): void {
    this.#gone = true;
    this.#taken?.();
    this.#wakeCaller();
  }

  /** The next chunk, END once the stream is whole; throws the failure that ended it. Waits while there is none yet. */
  async next(): Promise<unknown> {
    for (;;) {
      if (this.#head < this.#queue.length) {
        const chunk = this.#queue[this.#head];
        this.#head += 1;
        if (this.#head === this.#queue.length) {
          this.#queue.length = 0;
          this.#head = 0;
          this.#taken?.();
        }
        return chunk;
      }
      if (this.#failure !== undefined) throw this.#failure;
      if (this.#ended) return END;
      if (this.#gone) return END;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  #wakeCaller(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}

/**
 * The `openai` SDK's own Stream over a reader: `for await` yields ChatCompletionChunk objects, an
 * error event (the upstream's, or the pipeline's after a failure) throws the SDK's APIError as its
 * Stream does, `stream.controller.abort()` or leaving the loop early stops the upstream call and
 * ends the iteration quietly, and `tee()`/`toReadableStream()` work as they do on the SDK's streams.
 */
export function chunkStream(reader: ChunkReader, controller: AbortController, headers: Readonly<Record<string, string>>): Stream<ChatCompletionChunk> {
  let consumed = false;
  async function* iterate(): AsyncGenerator<ChatCompletionChunk> {
    if (consumed) throw new OpenAIError('Cannot iterate over a consumed stream, use `.tee()` to split the stream.');
    consumed = true;
    let done = false;
    try {
      for (;;) {
        if (controller.signal.aborted) return;
        let chunk: unknown;
        try {
          chunk = await reader.next();
        } catch (failure) {
          throw streamError(httpErrorFor(failure).body.error, headers);
        }
        if (chunk === END) {
          done = true;
          return;
        }
        const record = chunk as { error?: unknown; choices?: unknown };
        if (record.error !== undefined && record.error !== null && record.choices === undefined) throw streamError(record.error, headers);
        yield chunk as ChatCompletionChunk;
      }
    } finally {
      // Left early (a break, a throw): stop the upstream call, as the SDK's Stream does.
      if (!done) controller.abort();
    }
  }
  return new Stream<ChatCompletionChunk>(iterate, controller);
}
