/**
 * A prior on what kind of work a prompt asks for, set by hand and not fitted: asking for new
 * reasoning (a proof, a design, an optimisation, an analysis, code) needs the strong model more
 * than transforming given text (translate, summarise, fix the spelling, sort, reformat), and
 * formal mathematical notation marks mathematics beyond arithmetic. The training benchmarks hold
 * almost no requests of the second kind and few of the first, so the data cannot teach this
 * (datasets/README.md, research log).
 *
 * Mathematics enters only as formal notation (formal-math.ts), a 0/1 flag: the first version
 * counted arithmetic operators and TeX, which fire on `+ - * /` in word problems and vary inside a
 * domain, so it reordered math word problems by their operators (Spearman with the small models'
 * measured failure rate on held-out RouterDC GSM8K 0.22 with the counts, 0.30 with the flag, 0.32
 * for the learned part alone) and sent "What is 2+2?" to the strong model.
 *
 * Transforming given text is weighed by `rewrite_request` (rewrite-request.ts: the rewrite verb as
 * the request's verb, none when the request also asks for reasoning), not by the learned
 * `asks_rewrite` count, which fires on "correct" or "summarise" anywhere in a research question.
 * A short ask about pasted material that asks for no reasoning (given-material.ts) gets -1: the
 * material's length and code make the learned part read it as hard. Reasoning words in other
 * languages weigh as the English proof/design/analysis groups do. These three came from the
 * obvious-tier set's dev half (test/fixtures/obvious; datasets/README.md, steps 31-33).
 *
 * Weights apply to the structure features' raw values; the trained model adds `prior_weight` times
 * this sum to its logit. The English word-group counts are also learned features (the data weighs
 * them too); the features in PRIOR_ONLY_FEATURES are not.
 */
export const TASK_PRIOR: Readonly<Record<string, number>> = Object.freeze({
  asks_proof: 1,
  asks_design: 1,
  asks_optimise: 1,
  asks_analysis: 1,
  formal_math: 0.5,
  rewrite_request: -1,
  given_material: -1,
  asks_reasoning_other_language: 1,
});

/**
 * Features the prior weighs and training leaves at weight 0, because the data cannot teach them.
 * Formal notation: inside MATH it does not rank; outside it, 390 of the 421 training prompts where
 * it fires are multiple-choice science questions (MMLU, CMMLU, C-Eval). Rewrite requests and short
 * asks about pasted material: no training set holds easy requests of either kind. Other-language
 * reasoning words: only CMMLU and C-Eval hold other languages, all multiple-choice questions.
 */
export const PRIOR_ONLY_FEATURES: readonly string[] = ['formal_math', 'rewrite_request', 'given_material', 'asks_reasoning_other_language'];
