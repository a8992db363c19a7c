import type { Readable } from 'node:stream';
import { UsageError } from '../../core/index.js';
import { readUtf8Lines } from '../../runtime/read-utf8-lines.js';

/**
 * Prompts from a stream, one per line. A line whose first non-blank character is `{` is JSONL:
 * it must parse as a JSON object with a non-blank string "prompt" field, or it is an error naming
 * the line (a truncated or hand-broken record must not be routed as its own text; a prompt that
 * starts with "{" is written as `{"prompt": "{..."}`). Any other line is the prompt itself.
 * Blank lines are skipped; a line that is not UTF-8 is an error naming it. Yields as it reads,
 * so huge inputs never sit in memory. `line` is the 1-based line number in the input.
 */
export async function* readPrompts(input: Readable): AsyncGenerator<{ prompt: string; line: number }> {
  for await (const { text, line } of readUtf8Lines(input, (n) => `stdin line ${n}`)) {
    if (text.trim() === '') continue;
    yield { prompt: promptOfLine(text, line), line };
  }
}

function promptOfLine(line: string, lineNumber: number): string {
  const trimmed = line.trimStart();
  if (!trimmed.startsWith('{')) return line;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new UsageError(`stdin line ${lineNumber}: invalid JSON (${why}); a line starting with "{" is read as JSONL, so write such a prompt as {"prompt": "..."}`);
  }
  const prompt = (parsed as Record<string, unknown>)['prompt'];
  if (typeof prompt !== 'string') {
    throw new UsageError(`stdin line ${lineNumber}: JSON object has no string "prompt" field`);
  }
  if (prompt.trim() === '') {
    // A blank plain line is skipped, but an empty "prompt" is a record someone meant to route.
    throw new UsageError(`stdin line ${lineNumber}: the "prompt" field is empty; give the text to route`);
  }
  return prompt;
}
