import { UsageError } from '../core/index.js';
import type { TrainedPrompts } from './trained-prompts.js';
import type { BenchmarkData } from './benchmarks/benchmark-data.js';
import { mmluSplitOf, type MmluSplit } from './mmlu-split.js';
import { selectItems } from './select-items.js';

/** `eval --split`: the held-out prompts (auto), every prompt, or one half of the hash split. */
export const SPLITS = ['auto', 'all', 'eval', 'train'] as const;
export type Split = (typeof SPLITS)[number];

/** Which prompts a split keeps, the title of what is left, and the note that says so; undefined = all of them. */
export interface SplitSelection {
  readonly keep: readonly boolean[];
  readonly title: string;
  readonly note: string;
}

/**
 * The prompts to score. `auto` leaves out every prompt a router under test declares it was trained
 * on (see declared-training.ts), so by default no row reports a training-set score; a benchmark no
 * router learned from is scored whole, as the Python evaluator scores it. `all`, `eval` and `train`
 * take the prompts asked for; rows that then include training prompts are marked by the report.
 * `key` is the text a router learned a prompt as, and the hash split hashes (the prompt itself for
 * the two-model benchmarks; its bounded routing text for the benchmarks over many models).
 */
export function splitSelection(
  prompts: readonly string[],
  title: string,
  split: Split,
  routers: readonly { readonly name: string; readonly trainedOn?: TrainedPrompts | undefined }[],
  key: (prompt: string) => string = (prompt) => prompt,
): SplitSelection | undefined {
  if (split === 'all') return undefined;
  if (split === 'eval' || split === 'train') {
    const keep = prompts.map((prompt) => mmluSplitOf(key(prompt)) === split);
    const kept = keep.filter(Boolean).length;
    return { keep, title: `${title} (${split} split)`, note: `--split ${split}: ${kept} prompts (${keep.length - kept} in the other half)` };
  }
  const trained = routers.filter((router) => router.trainedOn !== undefined);
  const inSample = prompts.map((prompt) => trained.some((router) => router.trainedOn!.has(key(prompt))));
  const left = inSample.filter(Boolean).length;
  if (left === 0) return undefined;
  const who = trained.filter((router) => prompts.some((prompt) => router.trainedOn!.has(key(prompt)))).map((router) => router.name);
  const kept = prompts.length - left;
  if (kept === 0) {
    throw new UsageError(
      `every prompt of ${title} trained ${who.join(', ')} (their model cards say so), so none is held out; --split all scores them anyway, with the rows marked in-sample`,
    );
  }
  return {
    keep: inSample.map((trainedOn) => !trainedOn),
    title: `${title} (held out)`,
    note: `--split auto: ${kept} held-out prompts; the ${left} that trained ${who.join(', ')} (their model cards say so) are left out (--split all scores them too, marked in-sample)`,
  };
}

/** The two-model benchmark restricted to the prompts `split` keeps (see splitSelection). */
export function chooseSplit(benchmark: BenchmarkData, split: Split, routers: readonly { readonly name: string; readonly trainedOn?: TrainedPrompts | undefined }[]): BenchmarkData {
  const selection = splitSelection(benchmark.prompts, benchmark.title, split, routers);
  return selection ? selectItems(benchmark, selection.keep, selection.title, selection.note) : benchmark;
}

/**
 * One half of the hash split every trained router is split by (src/eval/mmlu-split.ts: the first
 * byte of sha1(prompt) even = train), for any two-model benchmark.
 */
export function hashSplitHalf(benchmark: BenchmarkData, half: MmluSplit): BenchmarkData {
  const selection = splitSelection(benchmark.prompts, benchmark.title, half, []) as SplitSelection;
  return selectItems(benchmark, selection.keep, selection.title, selection.note);
}
