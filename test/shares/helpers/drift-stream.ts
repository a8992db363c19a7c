import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** ../shared/datasets (or $ROUTELLM_DATA's parent); undefined when absent, an error under CI=true. */
export function sharedDatasets(): string | undefined {
  const given = process.env['ROUTELLM_DATA'];
  const candidates = given ? [resolve(given, '..'), resolve(given)] : [join(PACKAGE_ROOT, '..', 'shared', 'datasets')];
  const found = candidates.find((directory) => existsSync(join(directory, 'arena-hard', 'question.jsonl')) && existsSync(join(directory, 'gsm8k', 'train.jsonl')));
  if (!found && process.env['CI']) throw new Error(`shared datasets not found (looked in ${candidates.join(', ')}); set ROUTELLM_DATA`);
  return found;
}

/** A stream of prompts whose mix shifts once, from one kind to another, at `shiftAt`. */
export interface DriftStream {
  readonly prompts: readonly string[];
  readonly shiftAt: number;
}

/**
 * The held-out drifting stream of the share tests: Arena-Hard's 500 real chat prompts in file
 * order (pairs of one topic cluster follow each other, as a user's calls do), then 1,612 GSM8K
 * *train* math questions (lines 3,001-4,612; the share windows were tuned on other data:
 * BENCHMARKS.md, share-drift). 2,112 requests, as the stream the issue measured.
 */
export function chatThenMath(datasets: string): DriftStream {
  const lines = (path: string) => readFileSync(join(datasets, path), 'utf8').split('\n').filter((line) => line.trim() !== '');
  const chat = lines('arena-hard/question.jsonl').map((line) => JSON.parse(line).turns[0].content as string);
  const math = lines('gsm8k/train.jsonl')
    .slice(3000, 4612)
    .map((line) => JSON.parse(line).question as string);
  return { prompts: [...chat, ...math], shiftAt: chat.length };
}

/** Strong share over [from, to). */
export function shareBetween(strong: readonly boolean[], from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i += 1) if (strong[i]) count += 1;
  return count / (to - from);
}

/** The 500-request window after `from` whose share is furthest from `target`, and that share. */
export function worstWindow(strong: readonly boolean[], from: number, target: number, size = 500): { start: number; share: number } {
  let worst = { start: from, share: shareBetween(strong, from, from + size) };
  for (let start = from; start + size <= strong.length; start += 1) {
    const share = shareBetween(strong, start, start + size);
    if (Math.abs(share - target) > Math.abs(worst.share - target)) worst = { start, share };
  }
  return worst;
}
