import { describe, expect, it } from 'vitest';
import { allInOrder } from '../../src/runtime/all-in-order.js';

const later = <T>(ms: number, settle: () => T) => new Promise<T>((resolve) => setTimeout(() => resolve(settle()), ms));

describe('allInOrder', () => {
  it('gives every value, in order, when all succeed', async () => {
    await expect(allInOrder([later(5, () => 'a'), Promise.resolve(2)])).resolves.toEqual(['a', 2]);
  });

  it('reports the first failure in argument order, not the first to happen', async () => {
    const slowFirst = later(20, () => Promise.reject(new Error('first file missing'))).then((p) => p);
    const fastSecond = Promise.reject(new Error('second file missing'));
    await expect(allInOrder([slowFirst, fastSecond])).rejects.toThrow('first file missing');
  });
});
