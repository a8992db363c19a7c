import { readJsonl } from './read-jsonl.js';

/** One row of test/fixtures/sanity/prompts.jsonl: a prompt whose right tier is obvious to a person. */
export interface SanityRow {
  id: string;
  prompt: string;
  expect: 'weak' | 'strong';
  kind: string;
  split: 'dev' | 'holdout';
}

/** Where the sanity set lives. */
export const SANITY_SET_URL = new URL('../fixtures/sanity/prompts.jsonl', import.meta.url);

/**
 * The sanity set, parsed line by line. Throws on a line that is not JSON, naming the line; the
 * fields themselves are checked by test/fixtures/sanity-fixture.test.ts.
 */
export function loadSanitySet(url: URL = SANITY_SET_URL): SanityRow[] {
  return readJsonl<SanityRow>(url, 'sanity set');
}

/** Length in Unicode code points (an emoji counts once), the unit the set's length rules use. */
export function codePointLength(text: string): number {
  return [...text].length;
}
