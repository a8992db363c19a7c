import { LineQueue } from './line-queue.js';
import { SAMPLE_QUEUE_BYTES, type SampleFileCounts } from './sample-file.js';

/** Worker to primary: sampled lines for the one sample file the primary writes. */
export interface SampleLinesMessage {
  readonly type: 'routellm:samples';
  readonly lines: readonly string[];
}

export function isSampleLinesMessage(message: unknown): message is SampleLinesMessage {
  return (message as { type?: unknown } | null)?.type === 'routellm:samples' && Array.isArray((message as { lines?: unknown }).lines);
}

/** The IPC channel to the primary (a cluster worker's `process`). */
export interface SampleChannel {
  send(message: unknown, callback: (error: Error | null) => void): boolean;
}

/**
 * A `serve --workers N` worker's prompt sample: lines go to the primary, which alone appends to
 * (and rotates) the `--sample-prompts` file. With every worker writing the file itself, each
 * counted only its own bytes: the file grew to N times `--sample-max-size` before one of them
 * rotated it, and a worker kept appending to the file another had just rotated away.
 *
 * Like SampleFile, `push` only queues; a timer sends what is queued in one message. The queue is
 * bounded in bytes (new lines are dropped and counted when the primary falls behind), and a line
 * the channel refuses (the primary is gone) is counted as a write error. Its counts carry only
 * those drops: the primary's file counts the lines written, and /metrics adds the two up.
 */
export class ForwardedSamples {
  readonly #channel: SampleChannel;
  readonly #queue: LineQueue;
  #closed = false;
  #droppedWriteError = 0;

  constructor(channel: SampleChannel, options: { readonly queueBytes?: number } = {}) {
    this.#channel = channel;
    this.#queue = new LineQueue(options.queueBytes ?? SAMPLE_QUEUE_BYTES, () => void this.flush());
  }

  /** Queues one whole line. Never blocks, never throws: a full queue drops it, counted. */
  push(line: string): void {
    if (!this.#closed) this.#queue.push(line);
  }

  /** Lines dropped here; `written` is the primary's to count. */
  counts(): SampleFileCounts {
    return { written: 0, droppedQueueFull: this.#queue.dropped, droppedWriteError: this.#droppedWriteError, rotations: 0 };
  }

  /** Lines waiting to be sent. */
  get queued(): number {
    return this.#queue.lines.length;
  }

  /** Resolves once every line queued so far is handed to the channel (or dropped, counted). */
  flush(): Promise<void> {
    this.#queue.cancel();
    if (this.#queue.lines.length === 0) return Promise.resolve();
    const lines = this.#queue.take();
    return new Promise<void>((resolve) => {
      const dropped = () => {
        this.#droppedWriteError += lines.length;
        resolve();
      };
      try {
        this.#channel.send({ type: 'routellm:samples', lines } satisfies SampleLinesMessage, (error) => (error ? dropped() : resolve()));
      } catch {
        dropped();
      }
    });
  }

  /** Sends what is queued; later lines are ignored. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.flush();
  }
}
