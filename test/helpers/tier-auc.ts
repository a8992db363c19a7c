/** A prompt's expected tier and a router's score for it. */
export interface TierScore {
  readonly expect: 'weak' | 'strong';
  readonly score: number;
}

/** Share of (strong, weak) pairs a router orders right, ties as half: the ROC AUC of its scores. */
export function tierAuc(scored: readonly TierScore[]): number {
  const strong = scored.filter((s) => s.expect === 'strong');
  const weak = scored.filter((s) => s.expect === 'weak');
  let right = 0;
  for (const s of strong) for (const w of weak) right += s.score > w.score ? 1 : s.score === w.score ? 0.5 : 0;
  return right / (strong.length * weak.length);
}
