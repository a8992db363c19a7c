/**
 * The q-quantile of ascending-sorted values with linear interpolation between order
 * statistics: pandas `Series.quantile` (numpy `percentile`, method "linear", R type 7),
 * float for float: pandas hands numpy `q * 100`, which divides it by 100 again, and
 * numpy's lerp counts back from the upper neighbour when the fraction is >= 0.5.
 */
export function quantileOfSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const roundTripped = (q * 100) / 100;
  const position = (n - 1) * roundTripped;
  const below = Math.min(Math.max(Math.floor(position), 0), n - 1);
  const above = Math.min(below + 1, n - 1);
  const gamma = position - Math.floor(position);
  const lower = sorted[below] as number;
  const upper = sorted[above] as number;
  const difference = upper - lower;
  return gamma >= 0.5 ? upper - difference * (1 - gamma) : lower + difference * gamma;
}

/** An ascending copy of the values, as a Float64Array (numeric sort, not string sort). */
export function sortedAscending(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

/** `numpy.linspace(0, 1, bins + 1)`, value for value: i * (1 / bins), the last exactly 1. */
export function unitLinspace(bins: number): number[] {
  const step = 1 / bins;
  const points: number[] = [];
  for (let i = 0; i <= bins; i += 1) points.push(i === bins ? 1 : i * step);
  return points;
}
