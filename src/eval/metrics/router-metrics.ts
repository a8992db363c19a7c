import { UsageError } from '../../core/index.js';
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
 * Bad input (no items, lengths that disagree, a win rate out of [0, 1] or NaN, a score that is not a
 * finite number) is a UsageError naming it: a NaN from a scorer must not come out as an AUC of 0.
 */
export function routerMetrics(
  winRates: ArrayLike<number>,
  scores: { readonly strong: ArrayLike<number>; readonly weak: ArrayLike<number> },
  options: { readonly numResults?: number } = {},
): RouterMetrics {
  checkInput(winRates, scores, options.numResults);
  const paired: PairedScores = { strong: Float64Array.from(scores.strong), weak: Float64Array.from(scores.weak), rowsPerItem: 1, scale: 1, optimalBudget: 'fractional' };
  const curve = routerCurve(winRates, paired, options.numResults ?? 10);
  const weakScore = modelScore(paired, 'weak');
  const strongScore = modelScore(paired, 'strong');
  return { ...curveMetrics(curve, weakScore, strongScore), curve, weakScore, strongScore };
}

function checkInput(winRates: ArrayLike<number>, scores: { readonly strong: ArrayLike<number>; readonly weak: ArrayLike<number> }, numResults: number | undefined): void {
  const n = scores.strong.length;
  if (n !== scores.weak.length) throw new UsageError(`${n} strong scores for ${scores.weak.length} weak ones`);
  if (winRates.length !== n) throw new UsageError(`${winRates.length} win rates for ${n} items`);
  if (n === 0) throw new UsageError('no items to evaluate: give a win rate and both models\' scores for each item');
  if (numResults !== undefined && !(Number.isInteger(numResults) && numResults >= 1)) throw new UsageError(`numResults must be an integer of 1 or more, got ${numResults}`);
  for (let i = 0; i < n; i += 1) {
    const rate: unknown = winRates[i];
    if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) throw new UsageError(`winRates[${i}] is ${shown(rate)}; win rates must be numbers in [0, 1]`);
  }
  for (const side of ['strong', 'weak'] as const) {
    for (let i = 0; i < n; i += 1) {
      const score: unknown = scores[side][i];
      if (typeof score !== 'number' || !Number.isFinite(score)) throw new UsageError(`scores.${side}[${i}] is ${shown(score)}; scores must be finite numbers (1/0 correctness, or a grade)`);
    }
  }
}

function shown(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
