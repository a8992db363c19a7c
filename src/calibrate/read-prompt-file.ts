import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { UsageError } from '../core/index.js';
import { readUtf8Lines } from '../runtime/read-utf8-lines.js';

/**
 * The prompts of a file: CSV (`.csv`, streamed with papaparse, the `column` field),
 * JSONL (`.jsonl`/`.ndjson`, the `column` field of each object) or anything else as plain
 * text, one prompt per non-blank line. Every malformed row is an error naming its line, and
 * so is the first line that is not UTF-8 (a Latin-1 or binary file).
 */
export async function readPromptFile(path: string, column: string): Promise<string[]> {
  try {
    await access(path);
  } catch {
    throw new UsageError(`file not found: ${path}`);
  }
  const lower = path.toLowerCase();
  const prompts = lower.endsWith('.csv')
    ? await readCsvPrompts(path, column)
    : lower.endsWith('.jsonl') || lower.endsWith('.ndjson')
      ? await readJsonlPrompts(path, column)
      : await readLinePrompts(path);
  if (prompts.length === 0) throw new UsageError(`no prompts in ${path}`);
  return prompts;
}

async function readCsvPrompts(path: string, column: string): Promise<string[]> {
  // papaparse would decode bad bytes to U+FFFD: check the whole file first (it is read twice).
  for await (const _line of fileLines(path)) continue;
  const { default: Papa } = await import('papaparse');
  const prompts: string[] = [];
  await new Promise<void>((resolve, reject) => {
    let row = 0;
    let failed = false;
    const fail = (error: Error) => {
      if (failed) return;
      failed = true;
      reject(error);
    };
    Papa.parse<Record<string, string>>(createReadStream(path, 'utf8'), {
      header: true,
      skipEmptyLines: true,
      dynamicTyping: false,
      // Streaming drops per-row errors unless checked here (papaparse >= 5.7.1 required).
      step: (results, parser) => {
        row += 1;
        if (failed) return;
        const fields = results.meta.fields ?? [];
        if (!fields.includes(column)) {
          // Reject before aborting: abort() calls complete() synchronously.
          fail(new UsageError(`${path}: no column "${column}" (choose one with --column); columns are: ${fields.join(', ')}`));
          parser.abort();
          return;
        }
        const error = results.errors[0];
        if (error) {
          fail(new UsageError(`${path}: record ${row + 1}: malformed CSV: ${error.message}`));
          parser.abort();
          return;
        }
        const prompt = results.data[column];
        if (typeof prompt === 'string' && prompt.trim() !== '') prompts.push(prompt);
      },
      complete: () => {
        if (!failed) resolve();
      },
      error: (error: Error) => fail(new UsageError(`cannot read ${path}: ${error.message}`)),
    });
  });
  return prompts;
}

async function readJsonlPrompts(path: string, column: string): Promise<string[]> {
  const prompts: string[] = [];
  for await (const { text: line, line: lineNumber } of fileLines(path)) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new UsageError(`${path}: line ${lineNumber} is not valid JSON`);
    }
    const prompt = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[column] : undefined;
    if (typeof prompt !== 'string') throw new UsageError(`${path}: line ${lineNumber} has no string "${column}" field (choose one with --column)`);
    prompts.push(prompt);
  }
  return prompts;
}

async function readLinePrompts(path: string): Promise<string[]> {
  const prompts: string[] = [];
  for await (const { text } of fileLines(path)) {
    if (text.trim() !== '') prompts.push(text);
  }
  return prompts;
}

function fileLines(path: string) {
  return readUtf8Lines(createReadStream(path), (line) => `${path}: line ${line}`);
}
