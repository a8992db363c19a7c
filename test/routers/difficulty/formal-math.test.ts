import { describe, expect, it } from 'vitest';
import { formalMath } from '../../../src/routers/difficulty/formal-math.js';

describe('formalMath', () => {
  it('marks formal mathematical notation', () => {
    for (const prompt of ['Find all f: R→R with f(x+y) = f(x) + f(y).', 'Solve x^2 - 2y^2 = 1.', 'Factor a^n - b^n.', 'Compute $\\frac{1}{2}$.', 'Sort in O(n log n).', 'Is 2^31 - 1 prime mod 7?']) {
      expect(formalMath(prompt), prompt).toBe(1);
    }
  });

  it('does not mark arithmetic, word problems, money or "a(n)"', () => {
    for (const prompt of ['What is 2+2?', 'Sam has 5 apples and buys 3 more. How many does he have?', 'It costs $5 and $10.', 'Answer with a(n) adjective.', 'A well-known 12-year-old', 'Tom builds 12 + 8 posts.']) {
      expect(formalMath(prompt), prompt).toBe(0);
    }
  });
});
