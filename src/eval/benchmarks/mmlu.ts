import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../../core/index.js';
import { inMmluSplit, type MmluSplit } from '../mmlu-split.js';
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
 * (in name order), minus `mmlu/contaminated_prompts.jsonl`, then the requested half of
 * the hash split (src/eval/mmlu-split.ts).
 */
export async function loadMmlu(options: LoadOptions & { split: MmluSplit | 'all' }): Promise<BenchmarkData> {
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
  let droppedSplit = 0;
  for (const file of files) {
    const path = join(directory, file);
    const table = await readCsvTable(path);
    requireColumns(table, path, Object.values(columns));
    total += table.rows.length;
    appendScoredRows(rows, table, path, columns, (prompt) => {
      if (contaminated.has(prompt)) {
        droppedContaminated += 1;
        return false;
      }
      if (!inMmluSplit(prompt, options.split)) {
        droppedSplit += 1;
        return false;
      }
      return true;
    });
  }
  if (!rows.allBoolean) throw new UsageError(`MMLU score columns must be True/False`);
  const notes = [`${total - droppedContaminated}/${total} MMLU prompts after decontamination (${files.length} domains)`];
  if (options.split !== 'all') notes.push(`--split ${options.split}: ${rows.prompts.length} prompts (${droppedSplit} in the other half)`);
  return {
    name: 'mmlu',
    title: options.split === 'all' ? 'MMLU' : `MMLU (${options.split} split)`,
    prompts: rows.prompts,
    strongModel: options.strongModel,
    weakModel: options.weakModel,
    scores: pairedScoresOf(rows),
    notes,
    commercial: [],
  };
}
