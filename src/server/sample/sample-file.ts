import { constants } from 'node:fs';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import { UsageError } from '../../core/index.js';
import { tornTailBytes } from '../../label/jsonl-append-file.js';
import { LineQueue } from './line-queue.js';
import { makeDirectory } from '../../runtime/make-directory.js';

/** Bytes of lines the queue holds before it drops new ones: a stalled disk never grows the heap past this. */
export const SAMPLE_QUEUE_BYTES = 16 * 1024 * 1024;
/** Bytes written in one append at most. */
const BATCH_BYTES = 1024 * 1024;
/** Rotated files kept: FILE.1.jsonl (the newest) to FILE.5.jsonl; the oldest is deleted. */
export const SAMPLE_FILES_KEPT = 5;

/** What became of the lines offered, since start-up. */
export interface SampleFileCounts {
  /** Lines appended to the file. */
  readonly written: number;
  /** Lines dropped because the queue was full (the disk is slower than the traffic). */
  readonly droppedQueueFull: number;
  /** Lines dropped because a write failed (a full disk, a removed directory). */
  readonly droppedWriteError: number;
  /** Times the file reached its size cap and was rotated. */
  readonly rotations: number;
}

export interface SampleFileOptions {
  /** Rotate when an append would take the file past this many bytes. */
  readonly maxBytes: number;
  /** Bytes of queued lines past which new ones are dropped (default SAMPLE_QUEUE_BYTES). */
  readonly queueBytes?: number;
  /** Told once per run of failed writes (the first failure after a success), one line. */
  readonly onWriteError?: (error: Error) => void;
}

/**
 * The prompt sample's file: whole JSONL lines appended in the background, off the request path.
 * `push` only queues (no I/O, no await); a timer writes what is queued in one append of whole
 * lines, so a crash leaves at most a torn last line, which the next open cuts off (and `label`
 * skips). The queue is bounded in bytes: when the disk falls behind, new lines are dropped and
 * counted (`counts`), never held without bound and never silently lost. At `maxBytes` the file is
 * rotated: FILE.jsonl becomes FILE.1.jsonl (older ones shift up to FILE.5.jsonl, the oldest is
 * deleted), and a new FILE.jsonl starts. Created owner-only (0600): it holds users' prompts.
 */
export class SampleFile {
  readonly path: string;
  readonly #maxBytes: number;
  readonly #onWriteError: ((error: Error) => void) | undefined;
  #handle: FileHandle;
  #size: number;
  readonly #queue: LineQueue;
  /** Drains run one after another on this chain. */
  #chain: Promise<void> = Promise.resolve();
  #failing = false;
  #closed = false;
  #written = 0;
  #droppedWriteError = 0;
  #rotations = 0;

  private constructor(path: string, handle: FileHandle, size: number, options: SampleFileOptions) {
    this.path = path;
    this.#handle = handle;
    this.#size = size;
    this.#maxBytes = options.maxBytes;
    this.#queue = new LineQueue(options.queueBytes ?? SAMPLE_QUEUE_BYTES, () => void this.flush());
    this.#onWriteError = options.onWriteError;
  }

  /**
   * Opens (or creates, with its directory) `path` for appending, cutting a torn last line a crash
   * left. A path that cannot be written is a UsageError naming it, so serve refuses to start.
   */
  static async open(path: string, options: SampleFileOptions): Promise<SampleFile> {
    let handle: FileHandle | undefined;
    try {
      await makeDirectory(dirname(path));
      handle = await openForAppend(path);
      const info = await handle.stat();
      if (!info.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'EISDIR' });
      const size = info.size;
      const torn = await tornTailBytes(handle, size);
      if (torn > 0) await handle.truncate(size - torn);
      return new SampleFile(path, handle, size - torn, options);
    } catch (error) {
      await handle?.close().catch(() => {});
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new UsageError(`--sample-prompts: cannot write ${path} (${reason}); give a file in a writable directory`);
    }
  }

  /** Queues one whole line (ending in a newline). Never blocks, never throws: a full queue drops it, counted. */
  push(line: string): void {
    if (!this.#closed) this.#queue.push(line);
  }

  /** What became of the lines offered so far. */
  counts(): SampleFileCounts {
    return { written: this.#written, droppedQueueFull: this.#queue.dropped, droppedWriteError: this.#droppedWriteError, rotations: this.#rotations };
  }

  /** Lines waiting to be written. */
  get queued(): number {
    return this.#queue.lines.length;
  }

  /** Resolves once every line queued so far is written (or dropped, counted). */
  flush(): Promise<void> {
    this.#queue.cancel();
    this.#chain = this.#chain.then(() => this.#drain());
    return this.#chain;
  }

  /** Writes what is queued and closes the file. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.flush();
    await this.#handle.close();
  }

  /**
   * Appends every queued line, a batch at a time, each batch as much as fits under the size cap
   * (rotating first when not even the next line fits). A failed batch is dropped and counted.
   */
  async #drain(): Promise<void> {
    while (this.#queue.lines.length > 0) {
      const queue = this.#queue.lines;
      let take = 0;
      let bytes = 0;
      for (; take < queue.length; take += 1) {
        const size = Buffer.byteLength(queue[take] as string);
        const room = this.#size + bytes + size <= this.#maxBytes || (this.#size === 0 && take === 0);
        if (!room || (take > 0 && bytes + size > BATCH_BYTES)) break;
        bytes += size;
      }
      try {
        if (take === 0) {
          await this.#rotate();
          continue;
        }
        const lines = this.#queue.take(take);
        try {
          await this.#handle.appendFile(lines.join(''), 'utf8');
          this.#size += bytes;
          this.#written += lines.length;
          this.#failing = false;
        } catch (error) {
          this.#droppedWriteError += lines.length;
          throw error;
        }
      } catch (error) {
        if (!this.#failing) this.#onWriteError?.(error as Error);
        this.#failing = true;
        if (take === 0) {
          // Cannot rotate (the directory went away): drop what is queued rather than spin.
          this.#droppedWriteError += this.#queue.take().length;
          return;
        }
      }
    }
  }

  /** FILE.jsonl -> FILE.1.jsonl, FILE.1 -> FILE.2, ..., the last kept one deleted; then a fresh FILE.jsonl. */
  async #rotate(): Promise<void> {
    await this.#handle.close();
    try {
      await rm(rotatedPath(this.path, SAMPLE_FILES_KEPT), { force: true });
      for (let n = SAMPLE_FILES_KEPT - 1; n >= 0; n -= 1) {
        await rename(n === 0 ? this.path : rotatedPath(this.path, n), rotatedPath(this.path, n + 1)).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw error;
        });
      }
      this.#rotations += 1;
    } finally {
      // Whatever failed above, the file is open again (appended to if it could not be renamed).
      this.#handle = await openForAppend(this.path);
      this.#size = (await this.#handle.stat()).size;
    }
  }
}

/** The n-th rotated file of `path`: the number goes before the extension, so `label` still reads it as JSONL (samples.1.jsonl). */
export function rotatedPath(path: string, n: number): string {
  const extension = extname(path);
  return extension === '' ? `${path}.${n}` : `${path.slice(0, -extension.length)}.${n}${extension}`;
}

function openForAppend(path: string): Promise<FileHandle> {
  // Owner-only when created: the file holds users' prompts. Read too: a torn tail is found by reading it.
  return open(path, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT, 0o600);
}
