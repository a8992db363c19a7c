import type { Winner } from '../train/battle.js';

/**
 * How a judge's 1-5 score becomes a battle's winner (model_a is always the strong model,
 * model_b the weak one):
 * - `routellm` (the default, RouteLLM's rule): 4 or 5 means the weak answer is good enough, so
 *   the weak model wins; 1-3, the strong model wins. No ties.
 * - `three-way`: 4-5 weak wins, 3 a tie, 1-2 strong wins; `train --ties` then decides what a
 *   tie teaches.
 */
export type WinnerRule = 'routellm' | 'three-way';

export const WINNER_RULES: readonly WinnerRule[] = ['routellm', 'three-way'];

/** RouteLLM's score_threshold: from 4 up the weak answer will do. */
export const WEAK_WINS_FROM = 4;

/** The winner for a judge's score under `rule`. */
export function winnerForScore(score: number, rule: WinnerRule): Winner {
  if (score >= WEAK_WINS_FROM) return 'model_b';
  if (rule === 'three-way' && score === WEAK_WINS_FROM - 1) return 'tie';
  return 'model_a';
}
