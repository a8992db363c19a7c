/**
 * Pairwise battles over integer player ids, the input of the Bradley-Terry fit.
 * `aWins[k]` counts battle k's A wins among its two duplicated rows, as the Python
 * RouteLLM encodes outcomes: an A win is 2, a tie 1 (one A win + one B win), a B win 0.
 */
export interface BattleArrays {
  readonly playerA: Int32Array;
  readonly playerB: Int32Array;
  readonly aWins: Uint8Array;
}

/** Elo scale of RouteLLM's `compute_elo_mle_with_tie`: rating = 400 * coef + 1000. */
export const ELO_SCALE = 400;
export const ELO_BASE = 10;
export const ELO_INIT = 1000;

/**
 * The distinct design rows of a set of battles, so each fit costs O(battles) to aggregate and
 * then works on at most players^2 rows. Built once; reused for every prompt's weights.
 */
export interface BattleDesign {
  readonly players: number;
  /** Row type of each battle, an index into rowPlayerA/rowPlayerB. */
  readonly rowOf: Int32Array;
  readonly rowPlayerA: Int32Array;
  readonly rowPlayerB: Int32Array;
  /** aWins as float64, ready to be multiplied by a weight. */
  readonly aWins: Float64Array;
}

/** Groups battles by their (player A, player B) design row. */
export function battleDesign(battles: BattleArrays, players: number): BattleDesign {
  const n = battles.playerA.length;
  const rowIndex = new Int32Array(players * players).fill(-1);
  const rowOf = new Int32Array(n);
  const rowA: number[] = [];
  const rowB: number[] = [];
  for (let k = 0; k < n; k++) {
    const key = battles.playerA[k]! * players + battles.playerB[k]!;
    let row = rowIndex[key]!;
    if (row < 0) {
      row = rowIndex[key] = rowA.length;
      rowA.push(battles.playerA[k]!);
      rowB.push(battles.playerB[k]!);
    }
    rowOf[k] = row;
  }
  return {
    players,
    rowOf,
    rowPlayerA: Int32Array.from(rowA),
    rowPlayerB: Int32Array.from(rowB),
    aWins: Float64Array.from(battles.aWins),
  };
}

/**
 * RouteLLM's `compute_elo_mle_with_tie`: an unpenalised logistic regression without intercept
 * whose design row for a battle is +ln(10) at player A and -ln(10) at player B, over each
 * battle twice (see BattleArrays), each row carrying the battle's weight. Ratings are
 * 400 * coef + 1000, indexed by player id.
 *
 * Two details follow the Python exactly. A battle of a player against itself (two models of one
 * tier) gets the row -ln(10) at that player only, because numpy's second assignment overwrites
 * the first. And the likelihood is flat along "add c to every coefficient" when no such battle
 * exists: scikit-learn's lbfgs starts at zero and its gradients sum to zero, so it ends on
 * coefficients summing to zero; a vanishing ridge (1e-9 of the total weight) picks the same point
 * and keeps separable data (a player that never loses) finite.
 *
 * Solved by Newton's method with step halving on the aggregated rows; `weights` (one per
 * battle) default to 1.
 */
export function eloMleWithTie(design: BattleDesign, weights?: Float64Array | Float32Array): Float64Array {
  const rows = design.rowPlayerA.length;
  const w1 = new Float64Array(rows); // weighted count of y = 1 rows
  const wAll = new Float64Array(rows); // weighted count of all rows
  const { rowOf, aWins } = design;
  if (weights) {
    for (let k = 0; k < rowOf.length; k++) {
      const row = rowOf[k]!;
      const w = weights[k]!;
      w1[row] = w1[row]! + w * aWins[k]!;
      wAll[row] = wAll[row]! + 2 * w;
    }
  } else {
    for (let k = 0; k < rowOf.length; k++) {
      const row = rowOf[k]!;
      w1[row] = w1[row]! + aWins[k]!;
      wAll[row] = wAll[row]! + 2;
    }
  }
  const coef = fitLogistic(design, w1, wAll);
  const ratings = new Float64Array(design.players);
  for (let i = 0; i < ratings.length; i++) ratings[i] = ELO_SCALE * coef[i]! + ELO_INIT;
  return ratings;
}

const LN_BASE = Math.log(ELO_BASE);

/** Minimises sum_r [wAll_r * log(1 + e^z_r) - w1_r * z_r] + ridge/2 |beta|^2, z_r = x_r . beta. */
function fitLogistic(design: BattleDesign, w1: Float64Array, wAll: Float64Array): Float64Array {
  const p = design.players;
  const rows = w1.length;
  const { rowPlayerA, rowPlayerB } = design;
  let total = 0;
  for (let r = 0; r < rows; r++) total += wAll[r]!;
  const ridge = 1e-9 * Math.max(total, 1e-300);

  const beta = new Float64Array(p);
  const trial = new Float64Array(p);
  const gradient = new Float64Array(p);
  const hessian = new Float64Array(p * p);
  const step = new Float64Array(p);

  // z for one row: +L*beta_a - L*beta_b, or -L*beta_a when a == b (the numpy overwrite).
  const logit = (b: Float64Array, r: number): number => {
    const a = rowPlayerA[r]!;
    const c = rowPlayerB[r]!;
    return a === c ? -LN_BASE * b[a]! : LN_BASE * (b[a]! - b[c]!);
  };
  const objective = (b: Float64Array): number => {
    let value = 0;
    for (let r = 0; r < rows; r++) {
      if (wAll[r] === 0) continue;
      const z = logit(b, r);
      // log(1 + e^z) computed without overflow.
      const softplus = z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
      value += wAll[r]! * softplus - w1[r]! * z;
    }
    let norm = 0;
    for (let i = 0; i < p; i++) norm += b[i]! * b[i]!;
    return value + 0.5 * ridge * norm;
  };

  let current = objective(beta);
  for (let iteration = 0; iteration < 100; iteration++) {
    gradient.fill(0);
    hessian.fill(0);
    for (let i = 0; i < p; i++) {
      gradient[i] = ridge * beta[i]!;
      hessian[i * p + i] = ridge;
    }
    for (let r = 0; r < rows; r++) {
      const weight = wAll[r]!;
      if (weight === 0) continue;
      const z = logit(beta, r);
      const prob = 1 / (1 + Math.exp(-z));
      const residual = weight * prob - w1[r]!;
      const curvature = weight * prob * (1 - prob) * LN_BASE * LN_BASE;
      const a = rowPlayerA[r]!;
      const c = rowPlayerB[r]!;
      if (a === c) {
        gradient[a] = gradient[a]! - LN_BASE * residual;
        hessian[a * p + a] = hessian[a * p + a]! + curvature;
      } else {
        gradient[a] = gradient[a]! + LN_BASE * residual;
        gradient[c] = gradient[c]! - LN_BASE * residual;
        hessian[a * p + a] = hessian[a * p + a]! + curvature;
        hessian[c * p + c] = hessian[c * p + c]! + curvature;
        hessian[a * p + c] = hessian[a * p + c]! - curvature;
        hessian[c * p + a] = hessian[c * p + a]! - curvature;
      }
    }
    solveSymmetricPositive(hessian, gradient, step, p);
    let scale = 1;
    let next = current;
    for (let halvings = 0; halvings < 40; halvings++) {
      for (let i = 0; i < p; i++) trial[i] = beta[i]! - scale * step[i]!;
      next = objective(trial);
      if (next <= current) break;
      scale /= 2;
    }
    if (!(next <= current)) break; // no descent left: at the optimum to rounding
    let largest = 0;
    for (let i = 0; i < p; i++) {
      largest = Math.max(largest, Math.abs(trial[i]! - beta[i]!));
      beta[i] = trial[i]!;
    }
    const improvement = current - next;
    current = next;
    if (largest < 1e-12 || improvement <= 1e-15 * Math.max(1, Math.abs(current))) break;
  }
  return beta;
}

/** Solves H x = g for a symmetric positive definite H (p x p, row-major) by Cholesky; H is overwritten. */
function solveSymmetricPositive(h: Float64Array, g: Float64Array, x: Float64Array, p: number): void {
  for (let j = 0; j < p; j++) {
    let diagonal = h[j * p + j]!;
    for (let k = 0; k < j; k++) diagonal -= h[j * p + k]! * h[j * p + k]!;
    // The ridge keeps H positive definite; this guards against rounding on huge weight ranges.
    const root = Math.sqrt(Math.max(diagonal, 1e-300));
    h[j * p + j] = root;
    for (let i = j + 1; i < p; i++) {
      let sum = h[i * p + j]!;
      for (let k = 0; k < j; k++) sum -= h[i * p + k]! * h[j * p + k]!;
      h[i * p + j] = sum / root;
    }
  }
  for (let i = 0; i < p; i++) {
    let sum = g[i]!;
    for (let k = 0; k < i; k++) sum -= h[i * p + k]! * x[k]!;
    x[i] = sum / h[i * p + i]!;
  }
  for (let i = p - 1; i >= 0; i--) {
    let sum = x[i]!;
    for (let k = i + 1; k < p; k++) sum -= h[k * p + i]! * x[k]!;
    x[i] = sum / h[i * p + i]!;
  }
}
