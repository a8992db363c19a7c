import { readFileSync } from 'node:fs';

/** A JSONL fixture, parsed line by line; throws on a line that is not JSON, naming the set and the line. */
export function readJsonl<T>(url: URL, what: string): T[] {
  const lines = readFileSync(url, 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((line, i) => {
    try {
      return JSON.parse(line) as T;
    } catch (error) {
      throw new Error(`${what} line ${i + 1} is not JSON: ${(error as Error).message}`);
    }
  });
}
