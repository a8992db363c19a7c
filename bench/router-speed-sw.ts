import { pathToFileURL } from 'node:url';
import { seededRandom } from '../src/core/index.js';
import { aWinsOf, buildSwRankingModel, type Battle, type BattleWinner } from '../src/routers/sw-ranking/sw-ranking-model.js';
import { percentile } from './bench-helpers.js';
import { writeBenchSection } from './benchmarks-md.js';

const BATTLES = 10_000;
const MODELS = 12;
const DECISIONS = 300;
const WARMUP = 30;

/** Standard normal draws from a seeded uniform source (Box-Muller). */
function gaussian(random: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/**
 * 10k battles among 12 models of planted skill (strongest first), one embedding row per battle
 * (the Python layout), outcomes drawn from the Elo model with 20% ties.
 */
function syntheticBattles(dim: number, seed: number): { battles: Battle[]; embeddings: Float32Array; queries: Float32Array[] } {
  const random = seededRandom(seed);
  const normal = gaussian(random);
  const names = Array.from({ length: MODELS }, (_, i) => `model-${i}`);
  const battles: Battle[] = [];
  for (let k = 0; k < BATTLES; k++) {
    const a = Math.floor(random() * MODELS);
    let b = Math.floor(random() * (MODELS - 1));
    if (b >= a) b += 1;
    const pA = 1 / (1 + 10 ** (((a - b) * 40) / 400));
    const draw = random();
    const winner: BattleWinner = draw < 0.2 ? 'tie' : random() < pA ? 'model_a' : 'model_b';
    battles.push({ model_a: names[a]!, model_b: names[b]!, winner, promptIndex: k });
  }
  const embeddings = new Float32Array(BATTLES * dim);
  for (let i = 0; i < embeddings.length; i++) embeddings[i] = normal();
  const queries = Array.from({ length: DECISIONS + WARMUP }, () => Float32Array.from({ length: dim }, normal));
  return { battles, embeddings, queries };
}

/**
 * The baseline, in the Python's shape: norms of the battle matrix recomputed per call, and the
 * logistic regression run over all 2n duplicated rows (no aggregation by design row).
 */
function naiveStrongWinRate(
  battles: readonly Battle[],
  embeddings: Float32Array,
  dim: number,
  tierOf: ReadonlyMap<string, number>,
  tiers: number,
  strongTier: number,
  weakTier: number,
  query: Float32Array,
): number {
  const n = battles.length;
  const sims = new Float64Array(n);
  let qq = 0;
  for (let j = 0; j < dim; j++) qq += query[j]! * query[j]!;
  let maxSim = -Infinity;
  for (let k = 0; k < n; k++) {
    let dot = 0;
    let norm = 0;
    for (let j = 0; j < dim; j++) {
      dot += embeddings[k * dim + j]! * query[j]!;
      norm += embeddings[k * dim + j]! ** 2;
    }
    sims[k] = dot / Math.sqrt(norm * qq);
    maxSim = Math.max(maxSim, sims[k]!);
  }
  // Duplicated rows, each its own logistic term, every Newton step over all 2n of them.
  const rowsA = new Int32Array(2 * n);
  const rowsB = new Int32Array(2 * n);
  const y = new Float64Array(2 * n);
  const w = new Float64Array(2 * n);
  let total = 0;
  battles.forEach((battle, k) => {
    const aWins = aWinsOf(battle.winner);
    for (const copy of [0, 1]) {
      rowsA[2 * k + copy] = tierOf.get(battle.model_a)!;
      rowsB[2 * k + copy] = tierOf.get(battle.model_b)!;
      y[2 * k + copy] = copy < aWins ? 1 : 0;
      w[2 * k + copy] = 10 * 10 ** (sims[k]! / maxSim);
      total += w[2 * k + copy]!;
    }
  });
  const beta = naiveNewton(rowsA, rowsB, y, w, tiers, 1e-9 * total);
  const gap = 400 * (beta[strongTier]! - beta[weakTier]!);
  return 1 - 1 / (1 + 10 ** (gap / 400));
}

/** Plain Newton for the weighted logistic regression (numpy's overwrite for a == b kept; same ridge). */
function naiveNewton(rowsA: Int32Array, rowsB: Int32Array, y: Float64Array, w: Float64Array, p: number, ridge: number): Float64Array {
  const L = Math.LN10;
  const beta = new Float64Array(p);
  for (let iteration = 0; iteration < 100; iteration++) {
    const g = new Float64Array(p);
    const h = new Float64Array(p * p);
    for (let i = 0; i < p; i++) {
      g[i] = ridge * beta[i]!;
      h[i * p + i] = ridge;
    }
    for (let r = 0; r < y.length; r++) {
      const a = rowsA[r]!;
      const b = rowsB[r]!;
      const z = a === b ? -L * beta[a]! : L * (beta[a]! - beta[b]!);
      const prob = 1 / (1 + Math.exp(-z));
      const residual = w[r]! * (prob - y[r]!);
      const curvature = w[r]! * prob * (1 - prob) * L * L;
      if (a === b) {
        g[a] = g[a]! - L * residual;
        h[a * p + a] = h[a * p + a]! + curvature;
      } else {
        g[a] = g[a]! + L * residual;
        g[b] = g[b]! - L * residual;
        h[a * p + a] = h[a * p + a]! + curvature;
        h[b * p + b] = h[b * p + b]! + curvature;
        h[a * p + b] = h[a * p + b]! - curvature;
        h[b * p + a] = h[b * p + a]! - curvature;
      }
    }
    const step = gaussianSolve(h, g, p);
    let largest = 0;
    for (let i = 0; i < p; i++) {
      beta[i] = beta[i]! - step[i]!;
      largest = Math.max(largest, Math.abs(step[i]!));
    }
    if (largest < 1e-12) break;
  }
  return beta;
}

/** Gaussian elimination with partial pivoting; h and g are overwritten. */
function gaussianSolve(h: Float64Array, g: Float64Array, p: number): Float64Array {
  for (let col = 0; col < p; col++) {
    let pivot = col;
    for (let r = col + 1; r < p; r++) if (Math.abs(h[r * p + col]!) > Math.abs(h[pivot * p + col]!)) pivot = r;
    if (pivot !== col) {
      for (let c = 0; c < p; c++) [h[col * p + c], h[pivot * p + c]] = [h[pivot * p + c]!, h[col * p + c]!];
      [g[col], g[pivot]] = [g[pivot]!, g[col]!];
    }
    for (let r = col + 1; r < p; r++) {
      const factor = h[r * p + col]! / h[col * p + col]!;
      for (let c = col; c < p; c++) h[r * p + c] = h[r * p + c]! - factor * h[col * p + c]!;
      g[r] = g[r]! - factor * g[col]!;
    }
  }
  const x = new Float64Array(p);
  for (let r = p - 1; r >= 0; r--) {
    let sum = g[r]!;
    for (let c = r + 1; c < p; c++) sum -= h[r * p + c]! * x[c]!;
    x[r] = sum / h[r * p + r]!;
  }
  return x;
}

function time(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/**
 * One sw_ranking decision over 10k battles, given the prompt's embedding (the embedding call
 * itself is the embedder's cost, measured elsewhere), at 512-d (offline-embedder size) and
 * 1536-d (text-embedding-3-small). Baseline in the same run: the same maths without the
 * precomputed unit rows and without aggregating the 2n duplicated rows, as the Python does it.
 */
export async function runSwRankingSpeedBench(): Promise<void> {
  const rows: string[] = [];
  const lines: string[] = [];
  for (const dim of [512, 1536]) {
    const { battles, embeddings, queries } = syntheticBattles(dim, dim);
    let model!: ReturnType<typeof buildSwRankingModel>;
    const buildMs = time(() => {
      model = buildSwRankingModel(battles, embeddings, dim, { strongModel: 'model-0', weakModel: 'model-6' });
    });
    const fast: number[] = [];
    const weightsOnly: number[] = [];
    const naive: number[] = [];
    let checksum = 0;
    queries.forEach((query, i) => {
      const t = time(() => (checksum += model.strongWinRate(query)));
      const s = time(() => (checksum += model.weights(query)[0]!));
      // The baseline is slow: time it on every tenth query.
      const b = i % 10 === 0 ? time(() => (checksum += naiveStrongWinRate(battles, embeddings, dim, model.tiers, 10, model.strongTier, model.weakTier, query))) : undefined;
      if (i < WARMUP) return;
      fast.push(t);
      weightsOnly.push(s);
      if (b !== undefined) naive.push(b);
    });
    // Same answer either way (to rounding), or the comparison is meaningless.
    const q = queries[WARMUP]!;
    const difference = Math.abs(model.strongWinRate(q) - naiveStrongWinRate(battles, embeddings, dim, model.tiers, 10, model.strongTier, model.weakTier, q));
    if (!(difference < 1e-6)) throw new Error(`fast and baseline sw_ranking disagree by ${difference}`);
    for (const list of [fast, weightsOnly, naive]) list.sort((x, y) => x - y);
    const p50 = percentile(fast, 0.5);
    const baseP50 = percentile(naive, 0.5);
    rows.push(
      `| ${dim} | ${buildMs.toFixed(0)} ms | ${p50.toFixed(2)} ms | ${percentile(fast, 0.99).toFixed(2)} ms | ${percentile(weightsOnly, 0.5).toFixed(2)} ms | ${baseP50.toFixed(1)} ms (${naive.length} runs) | **${(baseP50 / p50).toFixed(1)}x** |`,
    );
    lines.push(`dim ${dim}: p50 ${p50.toFixed(2)} ms, baseline p50 ${baseP50.toFixed(1)} ms (checksum ${checksum.toFixed(3)})`);
  }
  const markdown = `## sw_ranking decision speed (\`bench/router-speed-sw.ts\`)

One run, ${new Date().toISOString().slice(0, 16)}Z, Node ${process.version}, 2 cores (noisy). Synthetic: ${BATTLES.toLocaleString('en')} battles
among ${MODELS} models (one embedding row per battle, as the Python stores them), ${DECISIONS} decisions after ${WARMUP} warm-up,
each given the prompt's embedding (the embedder's own time is not included). A decision = cosine similarity to every battle
(one matrix-vector product over unit rows prepared at load), the weights 10 * 10^(sim / max_sim), and the weighted
Bradley-Terry fit over tiers (Newton on at most tiers^2 aggregated design rows). Baseline, same run and same answers
(checked to 1e-6): the Python's shape, with row norms recomputed per call and the fit over all 2n duplicated rows.

| embedding dim | load (tiers, unit rows) | decision p50 | decision p99 | of which similarities + weights, p50 | baseline p50 | speed-up |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${rows.join('\n')}`;
  await writeBenchSection('router-speed-sw', markdown);
  process.stdout.write(`${markdown}\n`);
  process.stderr.write(`${lines.join('\n')}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runSwRankingSpeedBench().catch((error: unknown) => {
    process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  });
}
