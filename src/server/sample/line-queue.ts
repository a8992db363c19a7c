/** Milliseconds lines wait in the queue, so a burst becomes one write (or one message). */
const BATCH_MS = 200;

/**
 * The bounded queue behind the prompt sample's writers (SampleFile, ForwardedSamples): `push`
 * never blocks and never throws; past `bound` (UTF-16 length, within a factor of 3 of the bytes:
 * close enough for a bound) a line is dropped and counted, and the first line after an empty
 * queue schedules `due` once, BATCH_MS later, off the request path.
 */
export class LineQueue {
  lines: string[] = [];
  /** Summed UTF-16 length of `lines`. */
  length = 0;
  /** Lines dropped because the queue was full. */
  dropped = 0;
  readonly #bound: number;
  readonly #due: () => void;
  #timer: NodeJS.Timeout | undefined;

  constructor(bound: number, due: () => void) {
    this.#bound = bound;
    this.#due = due;
  }

  push(line: string): void {
    if (this.length + line.length > this.#bound) {
      this.dropped += 1;
      return;
    }
    this.lines.push(line);
    this.length += line.length;
    this.#timer ??= this.#schedule();
  }

  /** Removes and returns the first `count` lines (all by default). */
  take(count = this.lines.length): string[] {
    const taken = this.lines.splice(0, count);
    for (const line of taken) this.length -= line.length;
    return taken;
  }

  /** Cancels a scheduled `due`: the caller drains now. */
  cancel(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.#timer = undefined;
      this.#due();
    }, BATCH_MS);
    timer.unref();
    return timer;
  }
}
