/** The outcome of one comparison, as RouteLLM's arena data spells it. */
export type Winner = 'model_a' | 'model_b' | 'tie';

/** One training comparison: two models on one prompt and who did better. */
export interface TrainingBattle {
  readonly prompt: string;
  readonly modelA: string;
  readonly modelB: string;
  readonly winner: Winner;
  /** The file it came from, for per-file held-out metrics. */
  readonly source: string;
}

/** A per-model score table row (benchmark CSV layout), kept for held-out APGR. */
export interface ScoredPrompt {
  readonly prompt: string;
  /** Model name -> score (1/0 for True/False); models with an empty cell are absent. */
  readonly scores: ReadonlyMap<string, number>;
  readonly source: string;
}

/**
 * A routed pair that battle files name in their `strong_model`/`weak_model` fields (routellm
 * label writes them), after aliases: train's pair when no flag names one.
 */
export interface DeclaredPair {
  readonly strong: string;
  readonly weak: string;
  /** The first file that names it. */
  readonly source: string;
}

/** Everything read from the `--data` files. */
export interface TrainingData {
  readonly battles: TrainingBattle[];
  readonly scored: ScoredPrompt[];
  /** The distinct pairs the battles name (usually none or one). */
  readonly declaredPairs: readonly DeclaredPair[];
}

/** What a tie teaches: `half` (0.5), `drop` (the battle is left out), `weak` (a win for the weak model). */
export type TieRule = 'half' | 'drop' | 'weak';

/** The target for model A in one battle: 1 it won, 0 it lost, a tie by the rule. */
export function battleTarget(b: TrainingBattle, ties: TieRule, weakModel: string): number {
  if (b.winner === 'model_a') return 1;
  if (b.winner === 'model_b') return 0;
  if (ties === 'weak' && (b.modelA === weakModel || b.modelB === weakModel)) return b.modelA === weakModel ? 1 : 0;
  return 0.5;
}
