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
 * edges; an item goes strong when its win rate is >= the threshold, except at the last
 * edge, where it must be > (so the last point sends nothing to the strong model).
 * Points come in threshold order, as Python yields them.
 */
export function routerCurve(winRates: ArrayLike<number>, scores: PairedScores, numResults: number): CurvePoint[] {
  const n = scores.strong.length;
  if (winRates.length !== n) throw new RangeError(`${winRates.length} win rates for ${n} items`);
  const edges = qcutEdges(winRates, numResults);
  const denominator = n * scores.rowsPerItem;
  return edges.map((threshold, index) => {
    const last = index === edges.length - 1;
    let sum = 0;
    let strongCount = 0;
    for (let i = 0; i < n; i += 1) {
      const rate = winRates[i] as number;
      if (last ? rate > threshold : rate >= threshold) {
        sum += scores.strong[i] as number;
        strongCount += 1;
      } else {
        sum += scores.weak[i] as number;
      }
    }
    return { threshold, strongPct: (strongCount / n) * 100, score: (sum / denominator) * scores.scale };
  });
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
