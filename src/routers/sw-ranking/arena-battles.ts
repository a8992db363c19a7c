import { UsageError } from '../../core/index.js';
import type { PromptBattle } from './train-sw-ranking.js';

/** A row of the Chatbot Arena human-preference data (lmsys/lmsys-arena-human-preference-55k). */
export interface ArenaRow {
  readonly model_a: string;
  readonly model_b: string;
  /** A JSON list of the user's turns, as a string. */
  readonly prompt: string;
  readonly winner_model_a: number | string;
  readonly winner_model_b: number | string;
}

/** RouteLLM drops battles whose first turn is shorter than this. */
export const MIN_FIRST_TURN_LENGTH = 16;

/**
 * RouteLLM's `preprocess_battles`: the first user turn (trimmed) as the prompt, the winner from
 * the one-hot columns (neither set is a tie), and battles whose first turn has fewer than 16
 * characters dropped. Note that the embedding rows must then match the kept battles.
 */
export function preprocessArenaBattles(rows: readonly ArenaRow[]): PromptBattle[] {
  const battles: PromptBattle[] = [];
  rows.forEach((row, i) => {
    let turns: unknown;
    try {
      turns = JSON.parse(row.prompt);
    } catch {
      throw new UsageError(`arena row ${i + 1}: prompt is not a JSON list of turns`);
    }
    if (!Array.isArray(turns) || typeof turns[0] !== 'string') throw new UsageError(`arena row ${i + 1}: prompt is not a JSON list of turns`);
    const firstTurn = turns[0].trim();
    // Python's len() counts code points, not UTF-16 units.
    if ([...firstTurn].length < MIN_FIRST_TURN_LENGTH) return;
    const winner = Number(row.winner_model_a) === 1 ? 'model_a' : Number(row.winner_model_b) === 1 ? 'model_b' : 'tie';
    battles.push({ prompt: firstTurn, model_a: row.model_a, model_b: row.model_b, winner });
  });
  return battles;
}
