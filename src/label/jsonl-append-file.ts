import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { makeDirectory } from '../runtime/make-directory.js';

const NEWLINE = 0x0a;

/**
 * An append-only JSONL file written in batches: records are buffered and written together,
 * then fsync'd, when `batchLines` are waiting or `batchMs` after the first of them, and on
 * flush/close. Each batch is whole lines in one append, so a crash loses at most the
 * unflushed batch, never leaves half a line behind a flush, and a re-run finds every flushed line.
 */
export class JsonlAppendFile {
  readonly path: string;
  readonly #handle: FileHandle;
  readonly #batchLines: number;
  readonly #batchMs: number;
  #buffer: string[] = [];
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();
  #error: unknown;
  #written = 0;

  private constructor(path: string, handle: FileHandle, options: { batchLines: number; batchMs: number }) {
    this.path = path;
    this.#handle = handle;
    this.#batchLines = options.batchLines;
    this.#batchMs = options.batchMs;
  }

  /**
   * Opens `path` for appending (creating it and its directory). A last line with no newline is
   * what a crash mid-write leaves: it is cut off first, so the next record starts a line of its
   * own; `tornBytes` says how much was cut.
   */
  static async open(path: string, options: { batchLines?: number; batchMs?: number } = {}): Promise<{ file: JsonlAppendFile; tornBytes: number }> {
    await makeDirectory(dirname(path));
    const handle = await open(path, 'a+');
    let tornBytes: number;
    try {
      tornBytes = await cutTornTail(handle);
    } catch (error) {
      await handle.close();
      throw error;
    }
    return { file: new JsonlAppendFile(path, handle, { batchLines: options.batchLines ?? 32, batchMs: options.batchMs ?? 1000 }), tornBytes };
  }

  /** Lines written and fsync'd so far. */
  get written(): number {
    return this.#written;
  }

  /** Buffers one record as a line. Throws the error of an earlier batch that failed (a full disk). */
  append(record: unknown): void {
    if (this.#error !== undefined) throw this.#error;
    this.#buffer.push(`${JSON.stringify(record)}\n`);
    if (this.#buffer.length >= this.#batchLines) void this.flush().catch(() => {});
    else this.#timer ??= setTimeout(() => void this.flush().catch(() => {}), this.#batchMs);
  }

  /** Writes and fsyncs what is buffered; resolves once it is on disk (rejects if that failed). */
  flush(): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const lines = this.#buffer;
    this.#buffer = [];
    this.#writing = this.#writing.then(async () => {
      if (this.#error !== undefined) throw this.#error;
      if (lines.length === 0) return;
      try {
        await this.#handle.appendFile(lines.join(''), 'utf8');
        await this.#handle.datasync();
        this.#written += lines.length;
      } catch (error) {
        this.#error = error;
        throw error;
      }
    });
    return this.#writing;
  }

  /** Flushes and closes. */
  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      await this.#handle.close();
    }
  }
}

/** Cuts a last line that has no newline; returns the bytes cut. */
async function cutTornTail(handle: FileHandle): Promise<number> {
  const { size } = await handle.stat();
  const torn = await tornTailBytes(handle, size);
  if (torn > 0) await handle.truncate(size - torn);
  return torn;
}

/**
 * The bytes after the last newline of a file `size` bytes long: a line a crash cut short,
 * since label writes whole lines. 0 when the file is empty or ends in a newline.
 */
export async function tornTailBytes(handle: FileHandle, size: number): Promise<number> {
  const chunk = Buffer.alloc(64 * 1024);
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - chunk.length);
    const { bytesRead } = await handle.read(chunk, 0, end - start, start);
    const at = chunk.subarray(0, bytesRead).lastIndexOf(NEWLINE);
    if (at >= 0) return size - (start + at + 1);
    end = start;
  }
  return size;
}
