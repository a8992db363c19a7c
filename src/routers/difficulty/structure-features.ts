import { isMultipleChoice } from '../lexical/multiple-choice.js';
import { ASKS, OTHER_LANGUAGE_REASONING } from './ask-word-groups.js';
import { formalMath } from './formal-math.js';
import { givenMaterialRequest } from './given-material.js';
import { rewriteRequest } from './rewrite-request.js';

/** Version of the structure features; part of the checkpoint, so old weights are refused. */
export const STRUCTURE_FEATURES_ID = 'structure:v3';

/** Names of the structure features, in vector order. */
export const STRUCTURE_FEATURE_NAMES: readonly string[] = [
  'chars',
  'words',
  'lines',
  'whole_chars',
  'few_shot',
  'digit_share',
  'numbers',
  'big_number',
  'math_operators',
  'latex',
  'code_fence',
  'code_tokens',
  'indented_share',
  'enumerated_lines',
  'question_marks',
  'multiple_choice',
  'non_ascii_share',
  'cjk_share',
  'content_words',
  'distinct_share',
  'mean_word_length',
  ...ASKS.map(([name]) => name),
  // Weighed by the task prior only, not learned (task-prior.ts): formal notation (formal-math.ts),
  // 0 or 1; a request to transform given text (rewrite-request.ts); a short ask about pasted
  // material (given-material.ts), 0 or 1; reasoning words in other languages (ask-word-groups.ts).
  'formal_math',
  'rewrite_request',
  'given_material',
  'asks_reasoning_other_language',
];

const WORD = /\p{L}[\p{L}\p{M}'’-]*/gu;
const NUMBER = /\d+(?:[.,]\d+)*/g;
const OPERATOR = /[\w)\]]\s*(?:[-+*/^=<>×÷≤≥]|\*\*|==|!=|<=|>=)\s*[\w(\[]/g;
// A TeX command, or $...$ holding TeX syntax: "$5 and $10" is money, not mathematics.
const LATEX = /\\[a-zA-Z]+|\$[^$\n]*[\\^_{}][^$\n]*\$/g;
const CODE_TOKEN = /[{};]|=>|==|!=|\b(def|return|function|class|import|const|let|var|public|static|void|int|for|while|if|else|elif|print|console)\b|#include/g;
const ENUMERATED = /^[ \t]*(?:\d{1,2}[.)]|[-*•]|\(?[a-z][.)])[ \t]+\S/gm;
const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]/g;

function count(text: string, pattern: RegExp): number {
  let n = 0;
  for (const _ of text.matchAll(pattern)) n++;
  return n;
}

/** ln(1 + n): counts enter the model on a log scale, so one long prompt does not dominate. */
function log1p(n: number): number {
  return Math.log1p(n);
}

/**
 * Dense features of a prompt's structure, computed on the focus text (see focus-text.ts) except
 * `whole_chars`. Lengths and counts are logarithms; shares and flags are in [0, 1]. Every value is
 * finite for any input, the empty string included.
 */
export function structureFeatures(focus: string, whole: string, fewShot: boolean): Float32Array {
  const lower = focus.toLowerCase();
  const chars = focus.length;
  const words = [...focus.matchAll(WORD)].map((m) => m[0].toLowerCase());
  const lines = focus.split('\n');
  const nonEmptyLines = lines.filter((l) => l.trim().length > 0);
  let digits = 0;
  let letters = 0;
  let nonAscii = 0;
  for (const ch of focus) {
    const code = ch.codePointAt(0)!;
    if (code >= 48 && code <= 57) digits++;
    else if (/\p{L}/u.test(ch)) {
      letters++;
      if (code > 127) nonAscii++;
    }
  }
  const numbers = [...focus.matchAll(NUMBER)].map((m) => m[0]);
  const contentWords = words.filter((w) => w.length >= 2);
  const distinct = new Set(contentWords).size;
  const values = [
    log1p(chars),
    log1p(words.length),
    log1p(nonEmptyLines.length),
    log1p(whole.length),
    fewShot ? 1 : 0,
    chars > 0 ? digits / chars : 0,
    log1p(numbers.length),
    numbers.some((n) => n.replace(/\D/g, '').length >= 4) ? 1 : 0,
    log1p(count(focus, OPERATOR)),
    log1p(count(focus, LATEX)),
    focus.includes('```') ? 1 : 0,
    log1p(count(lower, CODE_TOKEN)),
    nonEmptyLines.length > 0 ? nonEmptyLines.filter((l) => /^(\t| {2,})\S/.test(l)).length / nonEmptyLines.length : 0,
    log1p(count(focus, ENUMERATED)),
    log1p(count(focus, /\?/g)),
    isMultipleChoice(focus) ? 1 : 0,
    letters > 0 ? nonAscii / letters : 0,
    letters > 0 ? count(focus, CJK) / letters : 0,
    log1p(contentWords.length + numbers.length),
    contentWords.length > 0 ? distinct / contentWords.length : 0,
    contentWords.length > 0 ? Math.log(contentWords.reduce((s, w) => s + w.length, 0) / contentWords.length) : 0,
    ...ASKS.map(([, pattern]) => log1p(count(lower, pattern))),
    formalMath(focus),
    rewriteRequest(focus),
    givenMaterialRequest(focus),
    log1p(count(lower, OTHER_LANGUAGE_REASONING)),
  ];
  return Float32Array.from(values);
}

/**
 * How much a prompt says: its words of two or more letters plus its numbers. A prompt with
 * little content ("thanks", "ok", an emoji) is scored mostly by the router's prior.
 */
export function contentCount(focus: string): number {
  let n = 0;
  for (const m of focus.matchAll(WORD)) if (m[0].length >= 2) n++;
  return n + count(focus, NUMBER);
}
