import { basename, extname } from 'node:path';
import { UsageError } from '../../core/index.js';
import type { BenchmarkData } from './benchmark-data.js';
import { appendScoredRows, emptyScoredRows, pairedScoresOf } from './correctness-rows.js';
import { readCsvTable, requireColumns } from './read-csv.js';

/**
 * A user's own benchmark: a CSV with a `prompt` column and one column per model, each
 * cell True/False (scores are then percentages, like MMLU) or a number (scores are means).
 */
export async function loadCsvBenchmark(path: string, models: { strongModel: string; weakModel: string }): Promise<BenchmarkData> {
  const table = await readCsvTable(path);
  const columns = { prompt: 'prompt', strong: models.strongModel, weak: models.weakModel };
  requireColumns(table, path, ['prompt']);
  if (table.rows.length === 0) throw new UsageError(`${path} has a header but no rows`);
  for (const [flag, column] of [['--strong-model', columns.strong], ['--weak-model', columns.weak]] as const) {
    if (!table.fields.includes(column)) {
      throw new UsageError(`${path}: no column "${column}" (name the model columns with ${flag}); columns are: ${table.fields.join(', ')}`);
    }
  }
  const rows = emptyScoredRows();
  appendScoredRows(rows, table, path, columns);
  if (rows.prompts.length === 0) throw new UsageError(`${path}: no rows`);
  const name = basename(path, extname(path));
  return {
    name,
    title: basename(path),
    prompts: rows.prompts,
    strongModel: models.strongModel,
    weakModel: models.weakModel,
    scores: pairedScoresOf(rows),
    notes: [`${rows.prompts.length} prompts from ${path}`],
    commercial: [],
  };
}
