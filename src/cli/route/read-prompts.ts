import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { UsageError } from '../../core/index.js';

/**
 * Prompts from a stream, one per line. A line holding a JSON object is JSONL and must
 * have a string "prompt" field; any other line is the prompt itself. Blank lines are skipped.
 * Yields as it reads, so huge inputs never sit in memory.
 */
export async function* readPrompts(input: Readable): AsyncGenerator<{ prompt: string; line: number }> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber += 1;
    if (line.trim() === '') continue;
    yield { prompt: promptOfLine(line, lineNumber), line: lineNumber };
  }
}

function promptOfLine(line: string, lineNumber: number): string {
  const trimmed = line.trimStart();
  if (!trimmed.startsWith('{')) return line;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    // A line that merely starts with "{" is a prompt, not broken JSONL.
    return line;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return line;
  const prompt = (parsed as Record<string, unknown>)['prompt'];
  if (typeof prompt !== 'string') {
    throw new UsageError(`stdin line ${lineNumber}: JSON object has no string "prompt" field`);
  }
  return prompt;
}
