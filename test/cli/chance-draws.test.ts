import { describe, expect, it } from 'vitest';
import { parseChanceDraws } from '../../src/cli/eval/chance-draws.js';
import { UsageError } from '../../src/core/index.js';

describe('--chance-draws', () => {
  it('auto spends a fixed budget: 1000 draws on small benchmarks, fewer on large ones, never under 100', () => {
    expect(parseChanceDraws('auto')(21)).toBe(1000);
    expect(parseChanceDraws('auto')(1500)).toBe(1000);
    expect(parseChanceDraws('auto')(6899)).toBe(217);
    expect(parseChanceDraws('auto')(14037)).toBe(106);
    expect(parseChanceDraws('auto')(1_000_000)).toBe(100);
  });

  it('takes 0 (skip) or a count as given', () => {
    expect(parseChanceDraws('0')(10)).toBe(0);
    expect(parseChanceDraws(' 2500 ')(10)).toBe(2500);
  });

  it.each(['', 'x', '1.5', '-1', '1e3'])('rejects %j with a usage error', (raw) => {
    expect(() => parseChanceDraws(raw)).toThrow(UsageError);
  });
});
