import { access } from 'node:fs/promises';
import { UsageError } from '../../core/index.js';
import { readJsonLines } from './read-csv.js';

/**
 * The `eval_prompt`s of a benchmark's `contaminated_prompts.jsonl` (found in the
 * training data by the Python project's contamination check); those items are dropped.
 */
export async function readContaminatedPrompts(path: string): Promise<Set<string>> {
  try {
    await access(path);
  } catch {
    throw new UsageError(`file not found: ${path} (the benchmark's decontamination list; see the data layout in routellm eval --help)`);
  }
  const prompts = new Set<string>();
  for (const [index, row] of (await readJsonLines(path)).entries()) {
    const prompt = row['eval_prompt'];
    if (typeof prompt !== 'string') throw new UsageError(`${path}: line ${index + 1} has no string "eval_prompt"`);
    prompts.add(prompt);
  }
  return prompts;
}
