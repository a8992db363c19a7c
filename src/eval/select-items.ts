import type { BenchmarkData } from './benchmarks/benchmark-data.js';
import { mmluSplitOf, type MmluSplit } from './mmlu-split.js';

/**
 * The benchmark restricted to the items `keep` accepts, in their order, with a new title and
 * one more note. Scores follow their items; the commercial points (published figures) stay.
 */
export function selectItems(benchmark: BenchmarkData, keep: readonly boolean[], title: string, note: string): BenchmarkData {
  const indices = keep.flatMap((kept, index) => (kept ? [index] : []));
  const pick = (values: Float64Array) => Float64Array.from(indices, (index) => values[index] as number);
  return {
    ...benchmark,
    title,
    prompts: indices.map((index) => benchmark.prompts[index] as string),
    scores: { ...benchmark.scores, strong: pick(benchmark.scores.strong), weak: pick(benchmark.scores.weak) },
    notes: [...benchmark.notes, note],
  };
}

/**
 * One half of the hash split every trained router is split by (src/eval/mmlu-split.ts: the first
 * byte of sha1(prompt) even = train), for any benchmark.
 */
export function hashSplitHalf(benchmark: BenchmarkData, half: MmluSplit): BenchmarkData {
  const keep = benchmark.prompts.map((prompt) => mmluSplitOf(prompt) === half);
  const kept = keep.filter(Boolean).length;
  return selectItems(benchmark, keep, `${benchmark.title} (${half} split)`, `--split ${half}: ${kept} prompts (${keep.length - kept} in the other half)`);
}
