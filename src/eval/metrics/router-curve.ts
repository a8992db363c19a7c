import type { PairedScores } from './paired-scores.js';
import { qcutEdges } from './qcut-edges.js';

/** One point of a router's curve: a threshold, the share of strong calls it gives, the score. */
export interface CurvePoint {
  readonly threshold: number;
  /** Percentage of items routed to the strong model, 0-100. */
  readonly strongPct: number;
  readonly score: number;
}

/**
 * The Python evaluator's curve: thresholds at the `pd.qcut(winRates, numResults)` bin
 * edges; an item goes strong when its win rate is >= the threshold. The first edge is the
 * lowest rate (everything strong); Python's last edge, the highest rate, is compared with
 * ">" so that nothing goes strong: we report that 0% point with the next double above the
 * highest rate as its threshold, so every point obeys the real rule `rate >= threshold`.
 *
 * When win rates tie so that edges coincide (pandas' qcut raises there; a causal_llm judge
 * without logprobs gives only 0 and 1, a constant router one value), the points are one per
 * distinct edge, the highest included, plus the 0% point, and two thresholds that send the
 * same items strong give one point. A constant router thus has two points, 100% and 0%
 * strong: between them the curve is the straight line a router breaking its ties by a coin
 * would trace, and its APGR is 0.5.
 * Points come in threshold order (ascending), as Python yields them.
 */
export function routerCurve(winRates: ArrayLike<number>, scores: PairedScores, numResults: number): CurvePoint[] {
  const n = scores.strong.length;
  if (winRates.length !== n) throw new RangeError(`${winRates.length} win rates for ${n} items`);
  const edges = qcutEdges(winRates, numResults);
  if (edges.length === 0) return [];
  const distinct = edges.filter((edge, index) => index === 0 || edge !== edges[index - 1]);
  const tied = distinct.length < numResults + 1;
  const highest = distinct[distinct.length - 1] as number;
  // Python's case keeps its thresholds; its last one (">" the highest rate) is the 0% point below.
  const thresholds = [...(tied ? distinct : distinct.slice(0, -1)), nextDoubleUp(highest)];
  const denominator = n * scores.rowsPerItem;
  const points: CurvePoint[] = [];
  let previousCount = -1;
  for (const threshold of thresholds) {
    let sum = 0;
    let strongCount = 0;
    for (let i = 0; i < n; i += 1) {
      if ((winRates[i] as number) >= threshold) {
        sum += scores.strong[i] as number;
        strongCount += 1;
      } else {
        sum += scores.weak[i] as number;
      }
    }
    // Ascending thresholds: the same count means the same items strong, so the same point.
    if (tied && strongCount === previousCount) continue;
    previousCount = strongCount;
    points.push({ threshold, strongPct: (strongCount / n) * 100, score: (sum / denominator) * scores.scale });
  }
  return points;
}

/** The number of distinct values among the win rates (a curve has at most one point more). */
export function distinctCount(values: ArrayLike<number>): number {
  return new Set(Array.from(values)).size;
}

/** The smallest double above x (x finite): a threshold no rate up to x reaches. */
function nextDoubleUp(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  const float = new Float64Array([x]);
  const bits = new BigInt64Array(float.buffer);
  bits[0] = (bits[0] as bigint) + (x > 0 ? 1n : -1n);
  return float[0] as number;
}

/**
 * The point-by-point mean of several curves of the same router (the random baseline's
 * seeded runs). Curves are aligned by threshold index; a curve shorter than the others
 * (only possible when win rates tie) is averaged over the points it has.
 */
export function averageCurves(curves: readonly (readonly CurvePoint[])[]): CurvePoint[] {
  if (curves.length === 0) return [];
  const length = Math.min(...curves.map((curve) => curve.length));
  const points: CurvePoint[] = [];
  for (let index = 0; index < length; index += 1) {
    let threshold = 0;
    let strongPct = 0;
    let score = 0;
    for (const curve of curves) {
      const point = curve[index] as CurvePoint;
      threshold += point.threshold;
      strongPct += point.strongPct;
      score += point.score;
    }
    points.push({ threshold: threshold / curves.length, strongPct: strongPct / curves.length, score: score / curves.length });
  }
  return points;
}
