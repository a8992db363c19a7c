import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { numpyInterp } from '../../../src/eval/metrics/interp.js';
import { quantileOfSorted, sortedAscending, unitLinspace } from '../../../src/eval/metrics/quantile.js';

// Made with numpy by fixtures/make-numpy-reference.py: np.interp on increasing and
// non-increasing xp (a router's curve need not be monotonic), and np.percentile(v, q*100),
// which is what pandas Series.quantile / qcut call.
const reference = JSON.parse(readFileSync(new URL('../fixtures/numpy-reference.json', import.meta.url), 'utf8')) as {
  interp: { xp: number[]; fp: number[]; x: number[]; y: number[] }[];
  quantile: { values: number[]; bins: number; q: number[]; quantiles: number[] }[];
};

describe('numpy reference values', () => {
  it('numpyInterp matches np.interp, also on non-monotonic xp and ties', () => {
    expect(reference.interp.length).toBeGreaterThan(50);
    for (const { xp, fp, x, y } of reference.interp) {
      x.forEach((value, index) => expect(numpyInterp(value, xp, fp)).toBeCloseTo(y[index] as number, 9));
    }
  });

  it('unitLinspace and quantileOfSorted match np.linspace and np.percentile(values, q * 100)', () => {
    for (const { values, bins, q, quantiles } of reference.quantile) {
      expect(unitLinspace(bins)).toEqual(q);
      const sorted = sortedAscending(values);
      q.forEach((level, index) => expect(quantileOfSorted(sorted, level)).toBeCloseTo(quantiles[index] as number, 12));
    }
  });
});
