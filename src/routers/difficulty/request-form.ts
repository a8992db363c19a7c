/**
 * What a prompt asks for, read from the *form* of its request, not from topic words: an imperative
 * task verb where a request starts (the text's start, a sentence or line start, after "please",
 * "can you", "help me"...). "Prove that..." and "Design a rate limiter..." ask for new reasoning;
 * "Translate this...", "Sort these..." and "Write a haiku..." transform given text or ask for a
 * short creative piece. A story that mentions building a fence or a list of apples asks for
 * neither, so the within-domain ranking of word problems is left to the learned model
 * (datasets/README.md, research steps 24-27).
 */

/**
 * The part of a prompt that can hold a request: fenced code and indented lines (code, docstrings)
 * removed, so an instruction inside code ("Sort the list...") is not read as the user's request.
 */
export function requestText(focus: string): string {
  return focus.replace(/```[\s\S]*?(?:```|$)/g, '\n').replace(/^(?:\t| {2,}).*$/gm, '');
}

// Where a request can start. A sentence end is not one after a lone letter opening a line
// ("A. Design ..." is an answer option) or in parentheses ("(a)").
const OPENER = String.raw`(?:^|(?<!(?:^|\n)[ \t]*[a-z]|\([a-z])[.!?:;]\s+|\n[ \t]*(?:[-*•][ \t]+|\d{1,2}[.)][ \t]+)?|\b(?:please|pls|kindly|can you|could you|would you|will you|i need you to|i want you to|help me)\s+)`;

// "State and prove...", "... then translate it": only verbs that are never nouns ("art and design").
const COORDINATED = String.raw`\b(?:and|then)\s+(?=(?:prove|derive|formali[sz]e|translate|summari[sz]e|paraphrase|rephrase|rewrite|proofread|demuestra|démontre[zr]?|beweise)\b)`;

// The verb ends its word, as a verb does: not a name in code ("List[int]", "xs: list,", "sort(xs)").
const END = String.raw`(?=[\s.!?]|$)`;

/** New reasoning: prove, derive, design, optimise, formalise; in English, Spanish, French, German, Italian, Portuguese. */
const HARD_VERBS = String.raw`prove|derive|design|architect|optimi[sz]e|formali[sz]e|devise|demuestra|demuestre|diseña|diseñe|démontre[zr]?|prouve[zr]?|conçois|concevez|beweise|beweisen sie|entwirf|entwerfen sie|dimostra|progetta|prova que|projete`;

/** Transforming given text, in the same languages. */
const EASY_VERBS = String.raw`translate|summari[sz]e|rephrase|rewrite|paraphrase|proofread|correct|fix the (?:spelling|grammar|typos)|sort|format|list|convert|capitali[sz]e|count|extract|turn (?:this|these|it)|traduce|traduzca|traduis|traduisez|übersetze|übersetzen sie|traduci|traduza|corrige[zr]?|corrija|korrigiere|korrigieren sie|correggi|resume|resuma|résume[zr]?|riassumi`;

/** A short creative piece or a role to play. */
const CREATIVE = String.raw`compose|pretend|imagine you are|act as|role-?play|write (?:a |an |me a |me an )?(?:short |funny |catchy |persuasive |heartfelt )?(?:poem|haiku|limerick|story|song|blog post|tweet|email|letter|speech|essay|slogan|joke|toast|message|caption|description|review|ad)`;

const request = (verbs: string) => new RegExp(`(?:${OPENER}|${COORDINATED})(?:${verbs})${END}`);
const HARD = request(HARD_VERBS);
const EASY = request(`${EASY_VERBS}|${CREATIVE}`);
// Chinese and Japanese: the request forms of "prove" and "translate" only ("please ... translate",
// "translate X into", "translate the following"), not the words ("was translated by").
const CJK_HARD = /请证明|试证明|試證明|求证|証明せよ|を証明して|証明してください/;
const CJK_EASY = /请[^。？！\n]{0,40}翻译|把[^。？！\n]{0,40}翻译成|翻译(?:一下|以下|下面|如下|这)|翻訳して|に翻訳|を翻訳/;

/**
 * Formal mathematical notation: a TeX command, a mathematical symbol (∫ ∑ √ ≤ ∀ → π ² ⁿ ...), a
 * power `x^2`, a function application `f(x)` (not the article `a(n)`), a relation on a variable `x =`, `n <`, `mod`, `O(n`.
 * Arithmetic in words and money amounts are not: it fires on no GSM8K question, on a third of MATH.
 */
const FORMAL = /\\[a-zA-Z]+|[∫∑∏√≤≥≠∀∃∈∉⊂⊆→⇒↔∞πθλσμ²³ⁿ₀₁]|\b[a-zA-Z]\s*\^\s*[\w(]|\b(?!a\(n\))[a-z]\s*\(\s*[a-z]\s*\)|\b[xyzn]\s*[=<>]|\bmod\b|\bO\(\s*n/;

/** The request form of a prompt's focus text: each flag is 0 or 1. */
export interface RequestForm {
  /** Asks for new reasoning (a proof, a derivation, a design, an optimisation). */
  readonly hard: number;
  /** Asks to transform given text (translate, summarise, fix, sort, convert...) or for a short creative piece. */
  readonly easy: number;
  /** Holds formal mathematical notation. */
  readonly formal: number;
}

/** Reads the request form of a focus text (see focus-text.ts). */
export function requestForm(focus: string): RequestForm {
  const text = requestText(focus);
  const lower = text.toLowerCase();
  return {
    hard: HARD.test(lower) || CJK_HARD.test(text) ? 1 : 0,
    easy: EASY.test(lower) || CJK_EASY.test(text) ? 1 : 0,
    formal: FORMAL.test(focus) ? 1 : 0,
  };
}
