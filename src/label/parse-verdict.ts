/** How a judge wrote its score. */
export type VerdictForm = 'brackets' | 'single-brackets' | 'labelled' | 'bare';

/** A judge's verdict read: the 1-5 score and which form it was written in, or why there is none. */
export type ParsedVerdict =
  | { readonly score: number; readonly form: VerdictForm }
  | { readonly score: undefined; readonly reason: string };

const NUMBER = String.raw`(\d+(?:\.\d+)?)(?:\s*\/\s*5)?`;
/** `[[4]]`, `[[ 4 ]]`, `[[4/5]]`, `[[4.0]]`. */
const DOUBLE = new RegExp(String.raw`\[\[\s*${NUMBER}\s*\]\]`, 'g');
/** `[4]` or `[4/5]` ending the answer: a judge that dropped one bracket (elsewhere `[1]` may be a citation). */
const SINGLE = new RegExp(String.raw`(?<!\[)\[\s*${NUMBER}\s*\]\W*$`, 'g');
/** `Rating: 4`, `score = 4/5`, `**Rating:** 4`. */
const LABELLED = new RegExp(String.raw`\b(?:rating|score|grade)\**\s*[:=]?\s*\**\s*${NUMBER}`, 'gi');
/** The whole answer is the number. */
const BARE = new RegExp(String.raw`^\s*${NUMBER}\s*\.?\s*$`);

const FORMS: ReadonlyArray<readonly [VerdictForm, RegExp]> = [
  ['brackets', DOUBLE],
  ['labelled', LABELLED],
  ['single-brackets', SINGLE],
];

/**
 * Reads the score from a judge's answer. The instructions ask for `[[n]]` at the end; judges
 * also write `Rating: n`, a final `[n]`, or only the digit, so each form is tried in that order.
 * Within a form the last one counts: a judge may quote the format ("[[rating]]", "[[3]]") before
 * giving its own. A fractional score is truncated, as RouteLLM's parser does (`[[4.5]]` is 4).
 * A score outside 1-5, or none, is no verdict: the reason says which.
 */
export function parseVerdict(text: string): ParsedVerdict {
  for (const [form, pattern] of FORMS) {
    const matches = [...text.matchAll(pattern)];
    const last = matches.at(-1);
    if (last) return scored(Number.parseFloat(last[1]!), form, last[0]);
  }
  const bare = BARE.exec(text);
  if (bare) return scored(Number.parseFloat(bare[1]!), 'bare', bare[0].trim());
  return { score: undefined, reason: text.trim() === '' ? 'the judge answered nothing' : 'no [[1-5]] rating in the judge answer' };
}

function scored(value: number, form: VerdictForm, written: string): ParsedVerdict {
  const score = Math.trunc(value);
  if (!(score >= 1 && score <= 5)) return { score: undefined, reason: `the judge's rating ${written} is outside 1-5` };
  return { score, form };
}
