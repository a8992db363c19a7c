import { quantileOfSorted } from '../eval/metrics/quantile.js';

/**
 * The threshold that sends `share` (a fraction in (0, 1)) of these prompts to the strong
 * model: the (1 - share) quantile of their win rates, interpolated linearly between order
 * statistics as pandas `Series.quantile` does (the Python RouteLLM's calibration).
 */
export function thresholdForShare(sortedRates: ArrayLike<number>, share: number): number {
  return quantileOfSorted(sortedRates, 1 - share);
}
