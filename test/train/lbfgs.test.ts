import { describe, expect, it } from 'vitest';
import { minimizeLbfgs } from '../../src/train/lbfgs.js';

describe('L-BFGS', () => {
  it('finds the minimum of a quadratic worked by hand', () => {
    // f = (x - 3)^2 + 10 (y + 1)^2 + x y, minimum where 2(x-3) + y = 0 and 20(y+1) + x = 0.
    const { x } = minimizeLbfgs({
      x0: new Float64Array(2),
      maxIterations: 100,
      objective(p, g) {
        const [a, b] = [p[0]!, p[1]!];
        g[0] = 2 * (a - 3) + b;
        g[1] = 20 * (b + 1) + a;
        return (a - 3) ** 2 + 10 * (b + 1) ** 2 + a * b;
      },
    });
    // Solving: x = 3 - y/2, 20y + 20 + 3 - y/2 = 0 -> y = -23/19.5.
    const y = -23 / 19.5;
    expect(x[1]).toBeCloseTo(y, 6);
    expect(x[0]).toBeCloseTo(3 - y / 2, 6);
  });

  it('solves the Rosenbrock valley and repeats itself bit for bit', () => {
    const run = () =>
      minimizeLbfgs({
        x0: Float64Array.from([-1.2, 1]),
        maxIterations: 500,
        objective(p, g) {
          const [a, b] = [p[0]!, p[1]!];
          g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
          g[1] = 200 * (b - a * a);
          return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
        },
      });
    const first = run();
    expect(first.x[0]).toBeCloseTo(1, 5);
    expect(first.x[1]).toBeCloseTo(1, 5);
    expect([...run().x]).toEqual([...first.x]);
  });
});
