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
 * for the learned part alone) and sent "What is 2+2?" to the strong model. Weights apply to the structure features' raw values; the
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
 * Features the prior weighs and training leaves at weight 0: what formal notation means for
 * difficulty across kinds of prompt is what the data cannot teach. Inside MATH it does not rank;
 * outside it, 390 of the 421 training prompts where it fires are multiple-choice science
 * questions (MMLU, CMMLU, C-Eval).
 */
export const PRIOR_ONLY_FEATURES: readonly string[] = ['formal_math'];
