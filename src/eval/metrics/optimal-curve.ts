import type { PairedScores } from './paired-scores.js';

/** A point of the optimal router's curve. */
export interface OptimalPoint {
  readonly strongPct: number;
  readonly score: number;
}

/**
 * The best score any router could reach with each strong-call budget (0%, 10%, ... 100%):
 * strong calls go to the items where the strong model gains most, and only where it gains.
 * Mirrors `get_optimal_accuracy` of the Python benchmarks (see PairedScores.optimalBudget).
 */
export function optimalCurve(scores: PairedScores, step = 10): OptimalPoint[] {
  const n = scores.strong.length;
  const gains: number[] = [];
  let weakSum = 0;
  for (let i = 0; i < n; i += 1) {
    const weak = (scores.weak[i] as number) / scores.rowsPerItem;
    const gain = (scores.strong[i] as number) / scores.rowsPerItem - weak;
    weakSum += weak;
    if (gain > 0) gains.push(gain);
  }
  gains.sort((a, b) => b - a);
  const points: OptimalPoint[] = [];
  for (let percent = 0; percent <= 100; percent += step) {
    const share = percent / 100;
    let budget = n * share;
    if (scores.optimalBudget === 'whole') budget = Math.trunc(budget);
    const whole = Math.min(Math.floor(budget), gains.length);
    let bonus = 0;
    for (let i = 0; i < whole; i += 1) bonus += gains[i] as number;
    // A fractional call left over buys that fraction of the next gain (0/1 data: min(n * share, gains)).
    if (whole < gains.length) bonus += (budget - whole) * (gains[whole] as number);
    points.push({ strongPct: percent, score: ((weakSum + bonus) / n) * scores.scale });
  }
  return points;
}
