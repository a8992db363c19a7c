/**
 * A prior on what kind of work a prompt asks for, set by hand and not fitted: asking for new
 * reasoning (prove, derive, design, optimise) needs the strong model more than transforming given
 * text (translate, summarise, fix the spelling, sort, convert) or writing a short creative piece,
 * and formal mathematical notation marks mathematics beyond arithmetic. The training benchmarks
 * hold almost no requests of the second kind and few of the first, so the data cannot teach this
 * (datasets/README.md, research log).
 *
 * It reads the *form* of the request (request-form.ts), not topic words. Its first version counted
 * proof / design / analysis / code words, operators and TeX anywhere in the prompt: those fire on
 * story words ("build", "list") and on `+ - * /` in word problems, and vary within a domain, so
 * that prior reordered math word problems by vocabulary (Spearman with the small models' measured
 * failure rate on held-out RouterDC GSM8K: 0.32 learned alone, 0.22 with it; MATH 0.46 -> 0.28).
 * The request form fires on no GSM8K question and on 0.2% of MATH, so GSM8K keeps its ranking
 * (0.33 with this prior); formal notation fires on 36% of MATH without ranking within it, hence
 * its quarter weight (MATH 0.38). Weight 6 was chosen on the sanity set's dev half and the
 * leave-one-domain-out matrix (datasets/README.md, steps 24-26).
 *
 * Weights apply to the structure features' raw values (0 or 1); the trained model adds
 * `prior_weight` times this sum to its logit. Training gives these features no learned weight.
 */
export const TASK_PRIOR: Readonly<Record<string, number>> = Object.freeze({
  request_hard: 1,
  request_easy: -1,
  formal_math: 0.25,
});
