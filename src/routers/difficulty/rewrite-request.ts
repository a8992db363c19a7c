import { ASKS, asksForReasoning } from './ask-word-groups.js';

const REWRITE = new RegExp(ASKS.find(([name]) => name === 'asks_rewrite')![1].source, 'g');

/**
 * ln(1 + n) for the n rewrite words of a request (translate, summarise, spelling, sort, format:
 * the `asks_rewrite` group), or 0 when the request also asks for reasoning (ask-word-groups.ts).
 * The task prior weighs this instead of the learned `asks_rewrite` count, which fires on those
 * words anywhere: one "summarise" in a research question took 4 points off its logit.
 */
export function rewriteRequest(focus: string): number {
  if (asksForReasoning(focus)) return 0;
  let n = 0;
  for (const _ of focus.toLowerCase().matchAll(REWRITE)) n++;
  return Math.log1p(n);
}
