import { UsageError } from '../core/index.js';

/** A flag value that must be a positive integer, e.g. `--num-results 10`. */
export function parsePositiveInteger(raw: string, flag: string): number {
  const value = /^\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < 1) throw new UsageError(`${flag} must be a positive integer, got "${raw}"`);
  return value;
}
