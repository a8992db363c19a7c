import type { BenchmarkData } from './benchmarks/benchmark-data.js';

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
