/** A line that opens an option: `A.`, `A)`, `(A)` or `A:` followed by text; capitals only. */
const OPTION_LINE = /^[ \t]*\(?([A-E])[.):][ \t]+\S/gm;

/**
 * Whether the prompt is a multiple-choice question: it has lines opening options A and B.
 * Capital letters only, because lists lettered `a)`, `b)` are how chat prompts enumerate
 * inputs ("extract the names from: a) ... b) ..."), not answer options.
 */
export function isMultipleChoice(prompt: string): boolean {
  let a = false;
  let b = false;
  for (const match of prompt.matchAll(OPTION_LINE)) {
    if (match[1] === 'A') a = true;
    else if (match[1] === 'B') b = true;
    if (a && b) return true;
  }
  return false;
}
