import { describe, expect, it } from 'vitest';
import { fitTable } from '../../src/eval/render/fit-table.js';

describe('fitTable', () => {
  const columns = [
    { head: 'router', cells: ['random (mean of 10 runs)', 'hybrid'] },
    { head: 'APGR', cells: ['0.5061', '0.6779'] },
    { head: 'AUC', cells: ['73.608', '75.627'], keep: 1 },
    { head: 'p vs random', cells: ['-', '<= 0.001'], keep: 4 },
  ];

  it('keeps a table that fits as it is', () => {
    expect(fitTable(columns, 80)).toEqual({ columns, widths: [26, 8, 8, 13], dropped: [] });
  });

  it('wraps heads first, then the widest cells at spaces, before dropping anything', () => {
    const fitted = fitTable(columns, 44);
    expect(fitted.dropped).toEqual([]);
    // "p vs random" wrapped over its widest cell; the router's names over two lines.
    expect(fitted.widths[3]).toBe(10);
    expect(fitted.widths.reduce((a, b) => a + b, 0) + fitted.widths.length + 1).toBeLessThanOrEqual(44);
  });

  it('then drops the least needed columns, never the undroppable ones', () => {
    expect(fitTable(columns, 30).dropped).toEqual(['AUC']);
    expect(fitTable(columns, 20).dropped).toEqual(['AUC', 'p vs random']);
    expect(fitTable(columns, 10).columns.map((column) => column.head)).toEqual(['router', 'APGR']);
  });
});
