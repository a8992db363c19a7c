import { UsageError } from '../../core/index.js';
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
  /** The kind of the first score cell and where it was: every other cell must be of that kind. */
  first?: { readonly boolean: boolean; readonly where: string };
}

/** An empty accumulator. */
export function emptyScoredRows(): ScoredRows {
  return { prompts: [], strong: [], weak: [], allBoolean: true };
}

/**
 * One kind of score per benchmark: True/False cells are percentages, numbers are means, and a
 * mix of the two has no unit (a mean of 0/1 and 7.5 printed as neither).
 */
function requireSameKind(into: ScoredRows, boolean: boolean, path: string, cell: string): void {
  if (into.first === undefined) {
    into.first = { boolean, where: `${path}: ${cell}` };
    return;
  }
  if (into.first.boolean !== boolean) {
    const kind = (b: boolean) => (b ? 'True/False' : 'a number');
    throw new UsageError(
      `${path}: ${cell} is ${kind(boolean)}, but ${into.first.where} is ${kind(into.first.boolean)}: use one kind of score (True/False or numbers) throughout`,
    );
  }
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
    // +2: the header is line 1 and rows count from 0 (a row spanning lines still gets its record number).
    const where = `${path}: record ${index + 2}`;
    // None of the shipped benchmark files has one: an empty prompt is a broken row, not data.
    if (prompt.trim() === '') throw new UsageError(`${where}: the "${columns.prompt}" cell is empty; every row needs a prompt`);
    if (!keep(prompt)) {
      dropped += 1;
      return;
    }
    const strong = parseScoreCell(row[columns.strong], `${where}, column "${columns.strong}"`);
    const weak = parseScoreCell(row[columns.weak], `${where}, column "${columns.weak}"`);
    requireSameKind(into, strong.boolean, path, `record ${index + 2}, column "${columns.strong}"`);
    requireSameKind(into, weak.boolean, path, `record ${index + 2}, column "${columns.weak}"`);
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
