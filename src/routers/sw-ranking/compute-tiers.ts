/**
 * RouteLLM's `compute_tiers`: splits models, sorted by rating from best to worst, into
 * `numTiers` contiguous groups minimising the sum of within-group (population) variances, by
 * the same dynamic programme and the same tie-breaking (the first best split wins). Tier 0 holds
 * the best models. With fewer models than tiers some tier numbers stay empty, as in the Python.
 *
 * @param ranked model names and ratings, best first
 * @returns model name -> tier
 */
export function computeTiers(ranked: ReadonlyArray<readonly [string, number]>, numTiers: number): Map<string, number> {
  const n = ranked.length;
  const m = numTiers;
  const ratings = ranked.map(([, rating]) => rating);
  const at = (i: number, j: number, tier: number) => (i * n + j) * m + tier;
  const dp = new Float64Array(n * n * m);
  const split = new Int32Array(n * n * m);

  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) dp[at(i, j, 0)] = variance(ratings, i, j + 1);
  }
  for (let tier = 1; tier < m; tier++) {
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        let best = 1_000_000_000;
        let bestSplit = 0;
        for (let l = i; l < j; l++) {
          const cost = dp[at(i, l, tier - 1)]! + dp[at(l + 1, j, 0)]!;
          if (best > cost) {
            best = cost;
            bestSplit = l;
          }
        }
        dp[at(i, j, tier)] = best;
        split[at(i, j, tier)] = bestSplit;
      }
    }
  }

  // Walk the splits back from the last tier; each split ends a tier.
  const ends: number[] = [];
  let count = n;
  for (let tier = m - 1; tier > 0; tier--) {
    const end = n === 0 ? 0 : split[at(0, count - 1, tier)]!;
    ends.push(end);
    count = end + 1;
  }
  ends.reverse().push(n - 1);

  const tiers = new Map<string, number>();
  let next = 0;
  ends.forEach((end, tier) => {
    for (let j = next; j <= end; j++) tiers.set(ranked[j]![0], tier);
    next = end + 1;
  });
  return tiers;
}

/** numpy's np.var of values[from, to): the mean of squared deviations from the mean. */
function variance(values: readonly number[], from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += values[i]!;
  const mean = sum / (to - from);
  let squares = 0;
  for (let i = from; i < to; i++) squares += (values[i]! - mean) ** 2;
  return squares / (to - from);
}
