import { UsageError } from '../core/index.js';
import type { TrainedPrompts } from './trained-prompts.js';
import type { BenchmarkData } from './benchmarks/benchmark-data.js';
import { hashSplitHalf, selectItems } from './select-items.js';

/** `eval --split`: the held-out prompts (auto), every prompt, or one half of the hash split. */
export const SPLITS = ['auto', 'all', 'eval', 'train'] as const;
export type Split = (typeof SPLITS)[number];

/**
 * The items to score. `auto` leaves out every item a router under test declares it was trained
 * on (see declared-training.ts), so by default no row reports a training-set score; a benchmark
 * no router learned from is scored whole, as the Python evaluator scores it. `all`, `eval` and
 * `train` take the items asked for; rows that then include training items are marked by the report.
 */
export function chooseSplit(benchmark: BenchmarkData, split: Split, routers: readonly { readonly name: string; readonly trainedOn?: TrainedPrompts | undefined }[]): BenchmarkData {
  if (split === 'eval' || split === 'train') return hashSplitHalf(benchmark, split);
  if (split === 'all') return benchmark;
  const trained = routers.filter((router) => router.trainedOn !== undefined);
  const inSample = benchmark.prompts.map((prompt) => trained.some((router) => router.trainedOn!.has(prompt)));
  const left = inSample.filter(Boolean).length;
  if (left === 0) return benchmark;
  const who = trained.filter((router) => benchmark.prompts.some((prompt) => router.trainedOn!.has(prompt))).map((router) => router.name);
  const kept = benchmark.prompts.length - left;
  if (kept === 0) {
    throw new UsageError(
      `every prompt of ${benchmark.title} trained ${who.join(', ')} (their model cards say so), so none is held out; --split all scores them anyway, with the rows marked in-sample`,
    );
  }
  return selectItems(
    benchmark,
    inSample.map((trainedOn) => !trainedOn),
    `${benchmark.title} (held out)`,
    `--split auto: ${kept} held-out prompts; the ${left} that trained ${who.join(', ')} (their model cards say so) are left out (--split all scores them too, marked in-sample)`,
  );
}
