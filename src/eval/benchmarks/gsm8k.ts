import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../../core/index.js';
import type { BenchmarkData } from './benchmark-data.js';
import { readContaminatedPrompts } from './contaminated-prompts.js';
import { appendScoredRows, emptyScoredRows, pairedScoresOf } from './correctness-rows.js';
import type { LoadOptions } from './mmlu.js';
import { readCsvTable, requireColumns } from './read-csv.js';

/**
 * GSM8K: `gsm8k/gsm8k_responses.csv` minus `gsm8k/contaminated_prompts.jsonl`. When only
 * the 25-row `gsm8k_responses.sample.csv` is present, that is used and said so.
 */
export async function loadGsm8k(options: LoadOptions): Promise<BenchmarkData> {
  const full = join(options.dataDir, 'gsm8k', 'gsm8k_responses.csv');
  const sample = join(options.dataDir, 'gsm8k', 'gsm8k_responses.sample.csv');
  const path = (await exists(full)) ? full : (await exists(sample)) ? sample : undefined;
  if (path === undefined) {
    throw new UsageError(`no GSM8K data: neither ${full} nor ${sample} exists; pass --data DIR (or set ROUTELLM_DATA)`);
  }
  const contaminated = await readContaminatedPrompts(join(options.dataDir, 'gsm8k', 'contaminated_prompts.jsonl'));
  const table = await readCsvTable(path);
  const columns = { prompt: 'prompt', strong: options.strongModel, weak: options.weakModel };
  requireColumns(table, path, Object.values(columns));
  const rows = emptyScoredRows();
  appendScoredRows(rows, table, path, columns, (prompt) => !contaminated.has(prompt));
  if (rows.prompts.length === 0) throw new UsageError(`${path}: no prompts left after decontamination`);
  if (!rows.allBoolean) throw new UsageError(`${path}: GSM8K score columns must be True/False`);
  const notes = [`${rows.prompts.length}/${table.rows.length} GSM8K questions after decontamination`];
  if (path === sample) notes.push(`only the sample file ${path} is present: figures are for this ${table.rows.length}-row sample, not the full benchmark`);
  return {
    name: 'gsm8k',
    title: path === sample ? 'GSM8K (sample)' : 'GSM8K',
    prompts: rows.prompts,
    strongModel: options.strongModel,
    weakModel: options.weakModel,
    scores: pairedScoresOf(rows),
    notes,
    commercial: [],
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
