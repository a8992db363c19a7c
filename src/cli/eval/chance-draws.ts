import { UsageError } from '../../core/index.js';

/** Item-draws the automatic chance level may spend: about 0.2 s whatever the benchmark's size. */
const AUTO_BUDGET = 1_500_000;

/**
 * `--chance-draws`: `auto` (1000 draws, fewer on large benchmarks, never under 100), `0` (skip)
 * or a positive count. Parsed before any data is read; the result gives the count for a
 * benchmark of `items` prompts, which `auto` needs.
 */
export function parseChanceDraws(raw: string): (items: number) => number {
  const text = raw.trim();
  if (text === 'auto') return (items) => Math.min(1000, Math.max(100, Math.floor(AUTO_BUDGET / Math.max(1, items))));
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value)) throw new UsageError(`--chance-draws must be "auto", 0 or a positive integer, got "${raw}"`);
  return () => value;
}
