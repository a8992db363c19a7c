import { quantileOfSorted, sortedAscending, unitLinspace } from './quantile.js';

/**
 * The bin edges `pd.qcut(values, bins, retbins=True)` returns: the quantiles at
 * 0, 1/bins, ..., 1 of the values, with repeated edges dropped as `duplicates="drop"`
 * does (pandas keeps a lone pair of equal edges). The Python evaluator uses these
 * edges as its routing thresholds.
 */
export function qcutEdges(values: ArrayLike<number>, bins: number): number[] {
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`bins must be a positive integer, got ${bins}`);
  const sorted = sortedAscending(values);
  if (sorted.length === 0) return [];
  const edges = unitLinspace(bins).map((q) => quantileOfSorted(sorted, q));
  // The edges ascend, so a repeat is always next to its first occurrence (linear, not quadratic).
  const unique = edges.filter((edge, index) => index === 0 || edge !== edges[index - 1]);
  return unique.length < edges.length && edges.length !== 2 ? unique : edges;
}
