import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { UsageError } from '../core/index.js';
import { fsUsageError } from '../runtime/output-path.js';
import { readUtf8Lines } from '../runtime/read-utf8-lines.js';
import { tornTailBytes } from './jsonl-append-file.js';

/**
 * Reads a JSONL file label wrote (`--out`, `--failed`), streamed, handing `take` each record:
 * a JSON object with a string `prompt`. Nothing when the file does not exist. Any other line
 * means the file is not label's: a usage error naming the line (`what` says what label writes
 * there), rather than appending to someone else's data. A last line with no newline is a write a
 * crash cut short (label writes whole lines), whatever it parses as: it is not read, and
 * `tornBytes` says how long it is (the run that opens the file cuts it: JsonlAppendFile).
 */
export async function readLabelJsonl(
  path: string,
  flag: string,
  what: string,
  take: (record: Record<string, unknown> & { readonly prompt: string }, line: number) => void,
): Promise<{ readonly tornBytes: number }> {
  let size: number;
  let tornBytes: number;
  try {
    const handle = await open(path, 'r');
    try {
      size = (await handle.stat()).size;
      tornBytes = await tornTailBytes(handle, size);
    } finally {
      await handle.close();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { tornBytes: 0 };
    throw fsUsageError(error, 'read', `${flag} ${path}`);
  }
  const whole = size - tornBytes;
  if (whole > 0) {
    const ownFile = `give label ${/^--[aeiou]/.test(flag) ? 'an' : 'a'} ${flag} of its own`;
    const notText = `it is not ${what} label writes (a JSON line); ${ownFile}`;
    for await (const { text, line } of readUtf8Lines(createReadStream(path, { end: whole - 1 }), (n) => `${flag} ${path}: line ${n}`, notText)) {
      if (text.trim() === '') continue;
      let record: Record<string, unknown> | undefined;
      try {
        const value: unknown = JSON.parse(text);
        if (value !== null && typeof value === 'object' && !Array.isArray(value)) record = value as Record<string, unknown>;
      } catch {
        record = undefined;
      }
      if (!record || typeof record['prompt'] !== 'string') {
        throw new UsageError(`${flag} ${path}: line ${line} is not ${what} label writes (a JSON object with a "prompt"); ${ownFile}`);
      }
      take(record as Record<string, unknown> & { prompt: string }, line);
    }
  }
  return { tornBytes };
}
