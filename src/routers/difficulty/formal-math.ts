/**
 * Formal mathematical notation: a TeX command, a mathematical symbol (∫ ∑ √ ≤ ∀ → π ² ⁿ ...), a
 * power `x^2`, a function application `f(x)` (not the article `a(n)`), a relation on a variable
 * (`x =`, `n <`), `mod`, `O(n`. Arithmetic in words, `2+2` and money amounts are not: it fires on
 * no held-out GSM8K question and on a third of MATH prealgebra, so it marks mathematics beyond
 * arithmetic without reordering word problems by their operators (task-prior.ts).
 */
const FORMAL = /\\[a-zA-Z]+|[∫∑∏√≤≥≠∀∃∈∉⊂⊆→⇒↔∞πθλσμ²³ⁿ₀₁]|\b[a-zA-Z]\s*\^\s*[\w(]|\b(?!a\(n\))[a-z]\s*\(\s*[a-z]\s*\)|\b[xyzn]\s*[=<>]|\bmod\b|\bO\(\s*n/;

/** 1 when a focus text (see focus-text.ts) holds formal mathematical notation, else 0. */
export function formalMath(focus: string): number {
  return FORMAL.test(focus) ? 1 : 0;
}
