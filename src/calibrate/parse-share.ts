import { EXTREME_SHARE_ADVICE, UsageError } from '../core/index.js';

const NUMBER = /^\+?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * `--strong-model-pct`: a fraction strictly between 0 and 1 as the Python flag takes it
 * (`0.5`), or a percentage with a `%` sign (`50%`). A bare `50` is refused rather than
 * guessed at, since 0.5 and 50 would then mean the same and 1 would be ambiguous.
 */
export function parseShare(raw: string): number {
  const text = raw.trim();
  const percent = text.endsWith('%');
  const digits = percent ? text.slice(0, -1) : text;
  const value = NUMBER.test(digits) ? Number(digits) / (percent ? 100 : 1) : Number.NaN;
  if (value === 0 || value === 1) {
    // The same advice route and serve give for router-<r>-0% and -100% (src/core/parse-model-name.ts).
    throw new UsageError(`--strong-model-pct "${raw}": ${EXTREME_SHARE_ADVICE}`);
  }
  if (!(value > 0 && value < 1)) {
    throw new UsageError(`--strong-model-pct must be a fraction in (0, 1) like 0.5, or a percentage like 50%; got "${raw}"`);
  }
  return value;
}

/**
 * A share (a fraction) as the percentage JSON reports it in: 0.3 -> 30, not 30.000000000000004
 * (rounded to 10 decimals, far below any share a table or a flag can tell apart).
 */
export function sharePercent(share: number): number {
  return +(share * 100).toFixed(10);
}

/** Formats a share the way the Python prints `pct * 100`: `50.0%`, `12.5%`. */
export function formatSharePercent(share: number): string {
  const percent = share * 100;
  return `${pythonFloat(percent)}%`;
}

/** A number as Python's `str(float)`: integers keep a `.0`. */
export function pythonFloat(value: number): string {
  return Number.isInteger(value) ? `${value}.0` : String(value);
}
