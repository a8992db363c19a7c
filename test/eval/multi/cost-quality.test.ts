import { describe, expect, it } from 'vitest';
import { aiq, hullAt, upperHull } from '../../../src/eval/multi/cost-quality.js';

const p = (cost: number, quality: number) => ({ cost, quality });

describe('the non-decreasing upper convex hull and AIQ', () => {
  it('keeps the points no mix of others beats, ascending in cost and quality', () => {
    const points = [p(1, 0.5), p(2, 0.55), p(3, 0.8), p(5, 0.7), p(10, 0.9), p(4, 0.85), p(10, 0.6)];
    // (2, 0.55) lies under the chord from (1, 0.5) to (3, 0.8); (5, 0.7) costs more than (4, 0.85) for less.
    expect(upperHull(points)).toEqual([p(1, 0.5), p(3, 0.8), p(4, 0.85), p(10, 0.9)]);
    expect(upperHull([p(2, 0.9), p(1, 0.9)])).toEqual([p(1, 0.9)]);
    expect(upperHull([])).toEqual([]);
  });

  it('reads the hull linearly between points, flat after the last, NaN before the first', () => {
    const hull = upperHull([p(1, 0.5), p(3, 0.9)]);
    expect(hullAt(hull, 2)).toBeCloseTo(0.7, 12);
    expect(hullAt(hull, 7)).toBe(0.9);
    expect(hullAt(hull, 0.5)).toBeNaN();
  });

  it('is the mean height of the hull over the cost range (RouterBench\'s AIQ)', () => {
    // Hull (1, 0.5) -> (3, 0.9), then flat to 5: (0.7 * 2 + 0.9 * 2) / 4.
    expect(aiq([p(1, 0.5), p(3, 0.9)], 1, 5)).toBeCloseTo(0.8, 12);
    // A dominated point changes nothing.
    expect(aiq([p(1, 0.5), p(3, 0.9), p(2, 0.6)], 1, 5)).toBeCloseTo(0.8, 12);
    // A curve that starts above the range's low end gets nothing before its first point.
    expect(aiq([p(3, 0.9)], 1, 5)).toBeCloseTo(0.45, 12);
    // One model at the low end is flat across the range.
    expect(aiq([p(1, 0.6)], 1, 5)).toBeCloseTo(0.6, 12);
    expect(aiq([], 1, 5)).toBeNaN();
  });
});
