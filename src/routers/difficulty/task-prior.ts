/**
 * A prior on what kind of work a prompt asks for, set by hand before any sanity prompt was
 * seen and not fitted: new reasoning (a proof, a design, an optimisation, an analysis) needs the
 * strong model more than transforming given text (translate, summarise, fix spelling, reformat).
 * The benchmarks the router learns from hold almost no requests of the second kind and few of
 * the first, so the data alone cannot teach this (datasets/README.md, the router's research
 * log). Weights apply to the structure features' raw values (log(1 + count)); the trained
 * model adds `prior_weight` times this sum to its logit.
 */
export const TASK_PRIOR: Readonly<Record<string, number>> = Object.freeze({
  asks_proof: 1,
  asks_design: 1,
  asks_optimise: 1,
  asks_analysis: 1,
  asks_code: 0.5,
  math_operators: 0.5,
  latex: 0.5,
  asks_rewrite: -1,
});
