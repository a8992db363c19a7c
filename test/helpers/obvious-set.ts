import { boundedRoutingText, routingText } from '../../src/core/index.js';
import { readJsonl } from './read-jsonl.js';

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
  return readJsonl<ObviousRow>(url, 'obvious set');
}

/** The text a router scores for the row: the bounded `routingText` the server decides on. */
export function obviousPrompt(row: ObviousRow): string {
  return boundedRoutingText(routingText(row.messages));
}
