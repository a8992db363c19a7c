import { readFileSync } from 'node:fs';
import { boundedRoutingText, routingText } from '../../src/core/index.js';

/** One row of test/fixtures/obvious/prompts.jsonl: a chat request whose right tier is obvious to a person. */
export interface ObviousRow {
  id: string;
  messages: Array<{ role: string; content: string }>;
  expect: 'weak' | 'strong';
  kind: string;
  split: 'dev' | 'holdout';
}

/** Where the obvious-tier set lives. */
export const OBVIOUS_SET_URL = new URL('../fixtures/obvious/prompts.jsonl', import.meta.url);

/** The obvious-tier set, parsed line by line; throws on a line that is not JSON, naming it. */
export function loadObviousSet(url: URL = OBVIOUS_SET_URL): ObviousRow[] {
  const lines = readFileSync(url, 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((line, i) => {
    try {
      return JSON.parse(line) as ObviousRow;
    } catch (error) {
      throw new Error(`obvious set line ${i + 1} is not JSON: ${(error as Error).message}`);
    }
  });
}

/** The text a router scores for the row: the bounded `routingText` the server decides on. */
export function obviousPrompt(row: ObviousRow): string {
  return boundedRoutingText(routingText(row.messages));
}
