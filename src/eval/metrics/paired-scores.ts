/**
 * What each model scored on each benchmark item, which is all the evaluator needs.
 * An item's value is the sum over its `rowsPerItem` rows (MT-Bench: its two judged
 * turns; elsewhere one row), so a benchmark score is the mean over rows, as in Python.
 */
export interface PairedScores {
  readonly strong: Float64Array;
  readonly weak: Float64Array;
  readonly rowsPerItem: number;
  /** 100 for correctness (scores are percentages, as the Python evaluator prints), else 1. */
  readonly scale: number;
  /**
   * How the optimal router may spend a strong-call budget: `fractional` for 0/1
   * correctness (Python: `min(total * share, gains)`), `whole` for graded scores
   * (Python MT-Bench: `int(n * share)` calls to the largest gains).
   */
  readonly optimalBudget: 'fractional' | 'whole';
}

/** One model's own score: every item to that model. */
export function modelScore(scores: PairedScores, side: 'strong' | 'weak'): number {
  let sum = 0;
  for (const value of scores[side]) sum += value;
  return (sum / (scores[side].length * scores.rowsPerItem)) * scores.scale;
}
