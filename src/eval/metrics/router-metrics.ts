import { curveMetrics, type CurveMetrics } from './curve-metrics.js';
import { modelScore, type PairedScores } from './paired-scores.js';
import { routerCurve, type CurvePoint } from './router-curve.js';

/** A router's figures on a benchmark: its curve (strong share vs score) and RouteLLM's metrics of it. */
export interface RouterMetrics extends CurveMetrics {
  /** One point per threshold: the share of items sent strong (0-100) and the score that gives. */
  readonly curve: readonly CurvePoint[];
  /** Every item on the weak model, and on the strong one. */
  readonly weakScore: number;
  readonly strongScore: number;
}

/**
 * APGR, AUC and CPT(20%, 50%, 80%) of a router, as `routellm eval` (RouteLLM's evaluate.py) computes
 * them, for people who evaluate in code: `winRates[i]` is the router's strong win rate for item i,
 * `scores.strong[i]` and `scores.weak[i]` what each model scored on it (1/0 correctness, or a grade).
 * Thresholds are the `numResults`-quantile edges of the win rates (default 10, as eval's --num-results).
 */
export function routerMetrics(
  winRates: ArrayLike<number>,
  scores: { readonly strong: ArrayLike<number>; readonly weak: ArrayLike<number> },
  options: { readonly numResults?: number } = {},
): RouterMetrics {
  if (scores.strong.length !== scores.weak.length) throw new RangeError(`${scores.strong.length} strong scores for ${scores.weak.length} weak ones`);
  const paired: PairedScores = { strong: Float64Array.from(scores.strong), weak: Float64Array.from(scores.weak), rowsPerItem: 1, scale: 1, optimalBudget: 'fractional' };
  const curve = routerCurve(winRates, paired, options.numResults ?? 10);
  const weakScore = modelScore(paired, 'weak');
  const strongScore = modelScore(paired, 'strong');
  return { ...curveMetrics(curve, weakScore, strongScore), curve, weakScore, strongScore };
}
