import type { PairedScores } from '../metrics/paired-scores.js';
import { parseScoreCell } from './parse-score.js';
import type { CsvTable } from './read-csv.js';

/** Items taken from CSV rows: prompt plus one score column per model. */
export interface ScoredRows {
  readonly prompts: string[];
  readonly strong: number[];
  readonly weak: number[];
  /** True when every score cell was True/False. */
  allBoolean: boolean;
}

/** An empty accumulator. */
export function emptyScoredRows(): ScoredRows {
  return { prompts: [], strong: [], weak: [], allBoolean: true };
}

/**
 * Appends the rows of one CSV table, skipping those `keep` rejects. Cells must be
 * True/False or numbers; a blank or other cell is an error naming file and row.
 */
export function appendScoredRows(
  into: ScoredRows,
  table: CsvTable,
  path: string,
  columns: { prompt: string; strong: string; weak: string },
  keep: (prompt: string) => boolean = () => true,
): number {
  let dropped = 0;
  table.rows.forEach((row, index) => {
    const prompt = row[columns.prompt] ?? '';
    if (!keep(prompt)) {
      dropped += 1;
      return;
    }
    // +2: the header is line 1 and rows count from 0 (a row spanning lines still gets its record number).
    const where = `${path}: record ${index + 2}`;
    const strong = parseScoreCell(row[columns.strong], `${where}, column "${columns.strong}"`);
    const weak = parseScoreCell(row[columns.weak], `${where}, column "${columns.weak}"`);
    into.prompts.push(prompt);
    into.strong.push(strong.value);
    into.weak.push(weak.value);
    into.allBoolean &&= strong.boolean && weak.boolean;
  });
  return dropped;
}

/** Paired scores from accumulated rows: percentages with a fractional budget for 0/1 data. */
export function pairedScoresOf(rows: ScoredRows): PairedScores {
  return {
    strong: Float64Array.from(rows.strong),
    weak: Float64Array.from(rows.weak),
    rowsPerItem: 1,
    scale: rows.allBoolean ? 100 : 1,
    optimalBudget: rows.allBoolean ? 'fractional' : 'whole',
  };
}
