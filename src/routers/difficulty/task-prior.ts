/**
 * A prior on what kind of work a prompt asks for, set by hand and not fitted: asking for new
 * reasoning (a proof, a design, an optimisation, an analysis, code) needs the strong model more
 * than transforming given text (translate, summarise, fix the spelling, sort, reformat), and
 * formal mathematical notation marks mathematics beyond arithmetic. The training benchmarks hold
 * almost no requests of the second kind and few of the first, so the data cannot teach this
 * (datasets/README.md, research log).
 *
 * Mathematics enters only as formal notation (request-form.ts), a 0/1 flag: the first version
 * counted arithmetic operators and TeX, which fire on `+ - * /` in word problems and vary inside a
 * domain, so it reordered math word problems by their operators (Spearman with the small models'
 * measured failure rate on held-out RouterDC GSM8K 0.20 with it, 0.26 with the flag) and sent
 * "What is 2+2?" to the strong model. Weights apply to the structure features' raw values; the
 * trained model adds `prior_weight` times this sum to its logit. The word-group counts are also
 * learned features (the data weighs them too); the formal-notation flag is prior-only.
 */
export const TASK_PRIOR: Readonly<Record<string, number>> = Object.freeze({
  asks_proof: 1,
  asks_design: 1,
  asks_optimise: 1,
  asks_analysis: 1,
  asks_code: 0.5,
  formal_math: 0.5,
  asks_rewrite: -1,
});

/**
 * Features the prior weighs and training leaves at weight 0: formal notation fires on a few dozen
 * training prompts outside MATH, and what it means for difficulty across kinds of prompt is what
 * the data cannot teach (inside MATH it does not rank).
 */
export const PRIOR_ONLY_FEATURES: readonly string[] = ['formal_math'];
