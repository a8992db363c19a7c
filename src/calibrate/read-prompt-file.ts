import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { UsageError } from '../core/index.js';
import { readUtf8Lines } from '../runtime/read-utf8-lines.js';

/** Prompts read so far from a file, a few thousand at a time, with how far into it the reader is. */
export interface PromptChunk {
  readonly prompts: readonly string[];
  /** Bytes of the file read so far (for progress against its size). */
  readonly bytesRead: number;
}

/** Prompts per chunk: a stream of millions holds only this many at once. */
const CHUNK = 4096;

/**
 * The prompts of a file, streamed in chunks: CSV (`.csv`, papaparse, the `column` field), JSONL
 * (`.jsonl`/`.ndjson`, the `column` field of each object) or anything else as plain text, one
 * prompt per non-blank line. Every malformed row is an error naming its line, and so is the first
 * line that is not UTF-8 (a Latin-1 or binary file). Only one chunk is held at a time, so a file
 * of millions of prompts is read in bounded memory. `utf8Checked`: a CSV file already read once
 * through this function, whose bytes need not be checked again.
 */
export async function* readPromptChunks(path: string, column: string, options: { utf8Checked?: boolean } = {}): AsyncGenerator<PromptChunk> {
  try {
    await access(path);
  } catch {
    throw new UsageError(`file not found: ${path}`);
  }
  const lower = path.toLowerCase();
  if (lower.endsWith('.csv')) {
    yield* readCsvChunks(path, column, options.utf8Checked ?? false);
    return;
  }
  const jsonl = lower.endsWith('.jsonl') || lower.endsWith('.ndjson');
  const input = createReadStream(path);
  try {
    let prompts: string[] = [];
    for await (const { text, line, terminated } of readUtf8Lines(input, (n) => `${path}: line ${n}`)) {
      if (text.trim() === '') continue;
      // A JSONL file's last line with no line end that does not parse is a line still being
      // appended (serve --sample-prompts writes whole lines) or one a crash cut short: not a prompt.
      if (jsonl && !terminated && !parses(text)) continue;
      prompts.push(jsonl ? jsonlPrompt(text, line, path, column) : text);
      if (prompts.length === CHUNK) {
        yield { prompts, bytesRead: input.bytesRead };
        prompts = [];
      }
    }
    if (prompts.length > 0) yield { prompts, bytesRead: input.bytesRead };
  } finally {
    input.destroy();
  }
}

/** Every prompt of a file at once: for files known to be small (tests, a few thousand prompts). */
export async function readPromptFile(path: string, column: string): Promise<string[]> {
  const prompts: string[] = [];
  for await (const chunk of readPromptChunks(path, column)) prompts.push(...chunk.prompts);
  if (prompts.length === 0) throw new UsageError(`no prompts in ${path}`);
  return prompts;
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function jsonlPrompt(line: string, lineNumber: number, path: string, column: string): string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new UsageError(`${path}: line ${lineNumber} is not valid JSON`);
  }
  const prompt = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[column] : undefined;
  if (typeof prompt !== 'string') throw new UsageError(`${path}: line ${lineNumber} has no string "${column}" field (choose one with --column)`);
  return prompt;
}

/**
 * A CSV file's prompts, streamed: papaparse hands over the rows of each block the file stream
 * reads and is paused until they are taken, so the file is never held whole.
 */
async function* readCsvChunks(path: string, column: string, utf8Checked: boolean): AsyncGenerator<PromptChunk> {
  // papaparse would decode bad bytes to U+FFFD: check the bytes first, in a pass of their own.
  if (!utf8Checked) for await (const _line of readUtf8Lines(createReadStream(path), (n) => `${path}: line ${n}`)) continue;
  const { default: Papa } = await import('papaparse');
  const input = createReadStream(path, 'utf8');
  // What the parser has handed over and the generator not yet yielded: a chunk, the end (null) or a failure.
  const ready: (PromptChunk | Error | null)[] = [];
  let wake: (() => void) | undefined;
  let parser: Papa.Parser | undefined;
  let records = 1; // the header
  let finished = false;
  const deliver = (item: PromptChunk | Error | null) => {
    if (finished) return;
    if (item === null || item instanceof Error) finished = true;
    ready.push(item);
    wake?.();
    wake = undefined;
  };
  Papa.parse<Record<string, string>>(input, {
    header: true,
    skipEmptyLines: true,
    dynamicTyping: false,
    // Stream mode drops per-row errors unless read here (papaparse >= 5.7.1 required).
    chunk: (results, chunkParser) => {
      parser = chunkParser;
      const fields = results.meta.fields ?? [];
      if (!fields.includes(column)) {
        deliver(new UsageError(`${path}: no column "${column}" (choose one with --column); columns are: ${fields.join(', ')}`));
        chunkParser.abort();
        return;
      }
      // A file of one column has no delimiter to detect: papaparse only warns that it found none.
      const error = results.errors.find((e) => e.code !== 'UndetectableDelimiter');
      if (error) {
        deliver(new UsageError(`${path}: record ${records + (error.row ?? 0) + 1}: malformed CSV: ${error.message}`));
        chunkParser.abort();
        return;
      }
      records += results.data.length;
      const prompts = results.data.map((row) => row[column]).filter((prompt): prompt is string => typeof prompt === 'string' && prompt.trim() !== '');
      deliver({ prompts, bytesRead: input.bytesRead });
      // Held until the generator is asked for more: backpressure on the file.
      chunkParser.pause();
    },
    complete: () => deliver(null),
    error: (error: Error) => deliver(new UsageError(`cannot read ${path}: ${error.message}`)),
  });
  try {
    for (;;) {
      while (ready.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      const item = ready.shift() as PromptChunk | Error | null;
      if (item === null) return;
      if (item instanceof Error) throw item;
      if (item.prompts.length > 0) yield item;
      if (ready.length === 0 && !finished) parser?.resume();
    }
  } finally {
    if (!finished) parser?.abort();
    input.destroy();
  }
}
