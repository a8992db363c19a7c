/**
 * Minimises a smooth function with L-BFGS (Nocedal & Wright, algorithm 7.4: two-loop recursion,
 * backtracking Armijo line search). Plain float64 arithmetic in a fixed order, so a run is
 * reproducible bit for bit. `objective` returns the value and writes the gradient into `grad`.
 */
export function minimizeLbfgs(options: {
  x0: Float64Array;
  objective: (x: Float64Array, grad: Float64Array) => number;
  maxIterations: number;
  memory?: number;
  /** Stop when the largest gradient component falls below this. */
  gradientTolerance?: number;
  onIteration?: (iteration: number, value: number) => void;
}): { x: Float64Array; value: number; iterations: number } {
  const { objective, maxIterations } = options;
  const m = options.memory ?? 10;
  const tolerance = options.gradientTolerance ?? 1e-7;
  const n = options.x0.length;
  let x = Float64Array.from(options.x0);
  let g = new Float64Array(n);
  let f = objective(x, g);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const direction = new Float64Array(n);
  const alpha = new Float64Array(m);
  const dotp = (a: Float64Array, b: Float64Array) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += a[i]! * b[i]!;
    return s;
  };
  let iteration = 0;
  for (; iteration < maxIterations; iteration++) {
    let gmax = 0;
    for (let i = 0; i < n; i++) gmax = Math.max(gmax, Math.abs(g[i]!));
    if (gmax < tolerance) break;
    // Two-loop recursion: direction = -H g.
    for (let i = 0; i < n; i++) direction[i] = -g[i]!;
    for (let k = S.length - 1; k >= 0; k--) {
      alpha[k] = rho[k]! * dotp(S[k]!, direction);
      const y = Y[k]!;
      for (let i = 0; i < n; i++) direction[i]! -= alpha[k]! * y[i]!;
    }
    const scale = S.length > 0 ? dotp(S[S.length - 1]!, Y[Y.length - 1]!) / dotp(Y[Y.length - 1]!, Y[Y.length - 1]!) : 1 / Math.max(gmax, 1e-12);
    for (let i = 0; i < n; i++) direction[i]! *= scale;
    for (let k = 0; k < S.length; k++) {
      const beta = rho[k]! * dotp(Y[k]!, direction);
      const s = S[k]!;
      for (let i = 0; i < n; i++) direction[i]! += (alpha[k]! - beta) * s[i]!;
    }
    let slope = dotp(g, direction);
    if (slope >= 0) {
      // Not a descent direction (curvature lost to rounding): restart from steepest descent.
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      for (let i = 0; i < n; i++) direction[i] = -g[i]! / Math.max(gmax, 1e-12);
      slope = dotp(g, direction);
    }
    let step = 1;
    const xNew = new Float64Array(n);
    const gNew = new Float64Array(n);
    let fNew = Number.POSITIVE_INFINITY;
    for (let tries = 0; tries < 40; tries++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i]! + step * direction[i]!;
      fNew = objective(xNew, gNew);
      if (fNew <= f + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fNew < f)) break;
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i]! - x[i]!;
      y[i] = gNew[i]! - g[i]!;
    }
    const sy = dotp(s, y);
    if (sy > 1e-12) {
      if (S.length === m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    const converged = Math.abs(f - fNew) <= 1e-12 * Math.max(1, Math.abs(f));
    x = xNew;
    g = gNew;
    f = fNew;
    options.onIteration?.(iteration + 1, f);
    if (converged) {
      iteration++;
      break;
    }
  }
  return { x, value: f, iterations: iteration };
}
