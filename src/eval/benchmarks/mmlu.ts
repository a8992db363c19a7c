import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../../core/index.js';
import type { BenchmarkData } from './benchmark-data.js';
import { readContaminatedPrompts } from './contaminated-prompts.js';
import { appendScoredRows, emptyScoredRows, pairedScoresOf } from './correctness-rows.js';
import { readCsvTable, requireColumns } from './read-csv.js';

/** Options for loading a benchmark from the data directory. */
export interface LoadOptions {
  readonly dataDir: string;
  readonly strongModel: string;
  readonly weakModel: string;
}

/**
 * MMLU as the Python evaluator loads it: every `mmlu/responses/mmlu_<domain>.csv`
 * (in name order), minus `mmlu/contaminated_prompts.jsonl`. Its halves: src/eval/select-items.ts.
 */
export async function loadMmlu(options: LoadOptions): Promise<BenchmarkData> {
  const directory = join(options.dataDir, 'mmlu', 'responses');
  let files: string[];
  try {
    files = (await readdir(directory)).filter((name) => /^mmlu_.+\.csv$/.test(name)).sort();
  } catch {
    throw new UsageError(`no MMLU data at ${directory}: pass --data DIR (or set ROUTELLM_DATA) with the Python RouteLLM's mmlu/responses/mmlu_<domain>.csv files`);
  }
  if (files.length === 0) throw new UsageError(`no mmlu_<domain>.csv files in ${directory}`);
  const contaminated = await readContaminatedPrompts(join(options.dataDir, 'mmlu', 'contaminated_prompts.jsonl'));
  const rows = emptyScoredRows();
  const columns = { prompt: 'prompt', strong: options.strongModel, weak: options.weakModel };
  let total = 0;
  let droppedContaminated = 0;
  for (const file of files) {
    const path = join(directory, file);
    const table = await readCsvTable(path);
    requireColumns(table, path, Object.values(columns));
    total += table.rows.length;
    appendScoredRows(rows, table, path, columns, (prompt) => {
      if (!contaminated.has(prompt)) return true;
      droppedContaminated += 1;
      return false;
    });
  }
  if (!rows.allBoolean) throw new UsageError(`MMLU score columns must be True/False`);
  return {
    name: 'mmlu',
    title: 'MMLU',
    prompts: rows.prompts,
    strongModel: options.strongModel,
    weakModel: options.weakModel,
    scores: pairedScoresOf(rows),
    notes: [`${total - droppedContaminated}/${total} MMLU prompts after decontamination (${files.length} domains)`],
    commercial: [],
  };
}
