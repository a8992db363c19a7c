/** The decision for one prompt of a batch routed at an exact share. */
export interface BatchCut {
  /** Indices (into the batch) that go strong: exactly round(share * n) of them. */
  readonly strong: ReadonlySet<number>;
  /** The lowest win rate that went strong; with no strong prompt, the highest of the batch. */
  readonly threshold: number;
}

/**
 * `route --share-of-input`: sends exactly round(share * n) of a batch to the strong model, the
 * ones with the highest win rates. Prompts with equal win rates are taken in input order (the
 * earlier first), so the same batch always splits the same way.
 */
export function shareOfBatch(winRates: readonly number[], share: number): BatchCut {
  const n = winRates.length;
  const k = Math.min(n, Math.max(0, Math.round(share * n)));
  // Array.prototype.sort is stable: equal rates keep their input order.
  const order = winRates.map((_, index) => index).sort((a, b) => (winRates[b] as number) - (winRates[a] as number));
  const strong = new Set(order.slice(0, k));
  const threshold = k > 0 ? (winRates[order[k - 1] as number] as number) : n > 0 ? (winRates[order[0] as number] as number) : Number.NaN;
  return { strong, threshold };
}
