import { UsageError } from '../../core/index.js';

/** A cell as a score: True/False (any case) as 1/0, or a finite number. */
export function parseScoreCell(value: string | undefined, where: string): { value: number; boolean: boolean } {
  const text = (value ?? '').trim();
  const lower = text.toLowerCase();
  if (lower === 'true') return { value: 1, boolean: true };
  if (lower === 'false') return { value: 0, boolean: true };
  const number = text === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(number)) {
    throw new UsageError(`${where}: expected True/False or a number, got ${JSON.stringify(clip(text))}`);
  }
  return { value: number, boolean: false };
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
