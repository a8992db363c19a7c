import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { boundedRoutingText, UsageError } from '../core/index.js';
import { readCsvTable, readJsonLines, readTextFile } from '../eval/benchmarks/read-csv.js';
import { mmluSplitOf } from '../eval/mmlu-split.js';
import { unwrapPythonListPrompt } from '../eval/benchmarks/python-list-prompt.js';

/** Prompts taken from each kind of traffic. */
export const MIX_PER_SOURCE = 500;

/**
 * The kinds of traffic the shipped calibration table is computed over, one equal share each,
 * from the shared datasets' root: knowledge questions (MMLU), math word problems and
 * competition math, code tasks, science questions and real hard chat prompts. Paths are relative
 * to the root; `read` returns a file's prompts.
 */
const MIX_SOURCES: ReadonlyArray<{ path: string; read: (file: string) => Promise<string[]> }> = [
  { path: 'routellm/mmlu/responses', read: async () => [] }, // filled by the caller from the MMLU loader
  { path: 'gsm8k/train.jsonl', read: async (f) => (await readJsonLines(f)).map((r) => String(r['question'] ?? '')) },
  { path: 'arena-hard/question.jsonl', read: async (f) => (await readJsonLines(f)).map((r) => String((r['turns'] as Array<{ content?: unknown }>)?.[0]?.content ?? '')) },
  { path: 'routerbench/mbpp_train.csv', read: async (f) => (await readCsvTable(f)).rows.map((r) => unwrapPythonListPrompt(String(r['prompt'] ?? ''))) },
  { path: 'routerdc/humaneval_train.json', read: async (f) => (JSON.parse(await readTextFile(f)) as Array<{ question: string }>).map((r) => r.question) },
  { path: 'routerdc/MATH_prealgebra.json', read: async (f) => (JSON.parse(await readTextFile(f)) as Array<{ question: string }>).map((r) => r.question) },
  { path: 'routerdc/arc_easy_train.json', read: async (f) => (JSON.parse(await readTextFile(f)) as Array<{ question: string }>).map((r) => r.question) },
];

/** Up to `n` prompts of the train half (sha1 even), the same ones on every machine: lowest sha1 first. */
export function trainHalfSample(prompts: readonly string[], n: number): string[] {
  const keyed = [...new Set(prompts.map(boundedRoutingText))]
    .filter((p) => p.trim() !== '' && mmluSplitOf(p) === 'train')
    .map((p) => ({ p, key: createHash('sha1').update(p, 'utf8').digest('hex') }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed.slice(0, n).map((k) => k.p);
}

/**
 * The shipped table's prompts: `MIX_PER_SOURCE` train-half prompts of each kind of traffic
 * (MMLU's from `mmluPrompts`), so no kind dominates by its size. Only training halves: the
 * held-out halves stay unseen by anything shipped.
 */
export async function trafficMixPrompts(root: string, mmluPrompts: readonly string[]): Promise<{ prompts: string[]; source: string }> {
  const prompts: string[] = [...trainHalfSample(mmluPrompts, MIX_PER_SOURCE)];
  for (const { path, read } of MIX_SOURCES.slice(1)) {
    let found: string[];
    try {
      found = await read(join(root, path));
    } catch (error) {
      throw new UsageError(`the calibration mix needs ${join(root, path)} (${(error as Error).message}); pass --data with the shared datasets' routellm/ beside the others`);
    }
    prompts.push(...trainHalfSample(found, MIX_PER_SOURCE));
  }
  const source = `traffic mix: up to ${MIX_PER_SOURCE} train-half prompts (first byte of sha1 even, lowest sha1 first) from each of ${MIX_SOURCES.map((s) => s.path).join(', ')}`;
  return { prompts, source };
}
