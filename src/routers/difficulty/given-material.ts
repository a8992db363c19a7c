import { ASKS, asksForReasoning } from './ask-word-groups.js';
import { formalMath } from './formal-math.js';

/**
 * A request that is a short ask about pasted material: the first paragraph is the ask and the
 * rest the material, or else the last paragraph is the ask and the rest before it the material (a
 * one-paragraph text qualifies when its first line ends in ":" and the lines after it are the
 * material). A last line holding a "?" joins the ask: a question may close a pasted table.
 * `undefined` when the text is not of that form.
 */
export function askAndMaterial(text: string): { ask: string; material: string } | undefined {
  const trimmed = text.trim();
  const paragraphs = trimmed.split(/\n[ \t]*\n/);
  const lines = trimmed.split('\n');
  const splits: Array<[string, string]> = [];
  if (paragraphs.length >= 2) {
    splits.push([paragraphs[0]!, paragraphs.slice(1).join('\n\n')]);
    splits.push([paragraphs.at(-1)!, paragraphs.slice(0, -1).join('\n\n')]);
  } else if (lines.length >= 4 && /:\s*$/.test(lines[0]!)) {
    splits.push([lines[0]!, lines.slice(1).join('\n')]);
  }
  const last = lines.at(-1)!;
  for (const [rawAsk, material] of splits) {
    const ask = rawAsk.trim();
    const words = ask.match(/\p{L}+/gu)?.length ?? 0;
    if (ask.length > 400 || material.length < 200 || material.length < 2 * ask.length || words < 3) continue;
    return { ask: last.includes('?') && !ask.includes(last.trim()) ? `${ask}\n${last.trim()}` : ask, material };
  }
  return undefined;
}

/** An ask that is a sentence of prose: it (or its first line) ends like one. */
const SENTENCE_END = /[:?.!]\s*$/;
/** Code in the ask: then the "ask" is part of a program (a docstring, an import line), not a request. */
const CODE = /[{};=]|>>>|"""|'''|\w\(|^\s*(?:def|import|from|return|function|class|const|let|var)\s|#include/m;
const COMPUTE = new RegExp(ASKS.find(([name]) => name === 'asks_compute')![1].source);
const TEX_DOLLARS = /\$[^$\n]+\$/;

/**
 * 1 when the request is a short ask in prose about pasted material that asks for no reasoning,
 * computation or mathematics (fix the typos in this paragraph, summarise this email, convert this
 * CSV, rename a variable in this function), else 0. The material's length, digits and code tokens say nothing about the work
 * asked for, yet the learned part reads them as difficulty: such requests scored 0.82-1.0.
 * A pasted function with "find the race" or "prove the fix terminates" keeps 0.
 */
export function givenMaterialRequest(focus: string): number {
  const split = askAndMaterial(focus);
  if (split === undefined) return 0;
  const { ask } = split;
  if (!SENTENCE_END.test(ask) && !SENTENCE_END.test(ask.split('\n')[0]!)) return 0;
  if (CODE.test(ask) || asksForReasoning(ask)) return 0;
  // A computation or mathematics asked about a figure or a table is a problem, not a rewrite.
  if (COMPUTE.test(ask.toLowerCase()) || formalMath(ask) === 1 || TEX_DOLLARS.test(ask)) return 0;
  return 1;
}
