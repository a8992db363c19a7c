import { numpyInterp } from './interp.js';
import type { CurvePoint } from './router-curve.js';
import { trapezoid } from './trapezoid.js';

/** The Python evaluator's figures for one router curve. */
export interface CurveMetrics {
  /** Average performance gap recovered: 0 = the weak model's line, 1 = the strong model's. */
  readonly apgr: number;
  /** Area under score vs strong share (share as a fraction), in score units. */
  readonly auc: number;
  /** Strong-call percentage needed to recover 20% / 50% / 80% of the weak-to-strong gap. */
  readonly cpt20: number;
  readonly cpt50: number;
  readonly cpt80: number;
}

/** Points in ascending strong-call share; a stable sort, so ties keep their threshold order. */
export function byStrongShare(points: readonly CurvePoint[]): CurvePoint[] {
  return points
    .map((point, index) => ({ point, index }))
    .sort((a, b) => a.point.strongPct - b.point.strongPct || a.index - b.index)
    .map(({ point }) => point);
}

/**
 * APGR, AUC and CPT exactly as `generate_results` in routellm/evals/evaluate.py:
 * trapezoid rule on share/100; APGR relative to the weak and strong lines over the same
 * shares; CPT by `np.interp` of the target score along the curve.
 */
export function curveMetrics(points: readonly CurvePoint[], weakScore: number, strongScore: number): CurveMetrics {
  const sorted = byStrongShare(points);
  const shares = sorted.map((point) => point.strongPct / 100);
  const scores = sorted.map((point) => point.score);
  const pcts = sorted.map((point) => point.strongPct);
  const auc = trapezoid(scores, shares);
  const weakAuc = trapezoid(shares.map(() => weakScore), shares);
  const strongAuc = trapezoid(shares.map(() => strongScore), shares);
  const cpt = (fraction: number) => numpyInterp(fraction * (strongScore - weakScore) + weakScore, scores, pcts);
  return {
    apgr: (auc - weakAuc) / (strongAuc - weakAuc),
    auc,
    cpt20: cpt(0.2),
    cpt50: cpt(0.5),
    cpt80: cpt(0.8),
  };
}
