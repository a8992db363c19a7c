import { chooseByShortfall, costScale, shortfalls } from '../../core/index.js';
import { costShareCurve, knobForCostShare, switchPoints } from '../../core/index.js';
import { columnMeans, type MultiBenchmark } from './multi-benchmark.js';
import type { CostPoint } from './cost-quality.js';

/** One setting of a router's knob on a benchmark: where it lands, and how many calls each model got. */
export interface MultiCurvePoint extends CostPoint {
  /** The cost share asked for (0-1, see knob-for-cost-share.ts), undefined for t = 0. */
  readonly share: number | undefined;
  /** The knob it resolved to on the benchmark's own scores (no labels: as a calibration table would). */
  readonly knob: number;
  /** Calls per model, in the benchmark's model order. */
  readonly calls: readonly number[];
}

/** Each model alone: its mean cost and mean score. */
export function singleModelPoints(benchmark: MultiBenchmark): CostPoint[] {
  const m = benchmark.models.length;
  const cost = columnMeans(benchmark.costs, m);
  const quality = columnMeans(benchmark.scores, m);
  return benchmark.models.map((_, k) => ({ cost: cost[k] as number, quality: quality[k] as number }));
}

/** The mean cost and score of one choice of model per prompt. */
function pointOf(benchmark: MultiBenchmark, choice: (row: number) => number): CostPoint & { calls: number[] } {
  const m = benchmark.models.length;
  const n = benchmark.prompts.length;
  const calls = new Array<number>(m).fill(0);
  let cost = 0;
  let quality = 0;
  for (let r = 0; r < n; r += 1) {
    const k = choice(r);
    calls[k]! += 1;
    cost += benchmark.costs[r * m + k] as number;
    quality += benchmark.scores[r * m + k] as number;
  }
  return { cost: cost / n, quality: quality / n, calls };
}

/**
 * The per-prompt oracle's frontier: for each trade-off λ, every prompt to the model that maximises
 * its true score minus λ times its true cost. Its best point (λ just above 0) is the cheapest of
 * the best answers per prompt, the oracle RouterBench reports; higher λ trade score for cost, as
 * well as any router could. Swept exactly, one switch at a time.
 */
export function oracleCurve(benchmark: MultiBenchmark): CostPoint[] {
  const m = benchmark.models.length;
  const n = benchmark.prompts.length;
  const events: { knob: number; row: number; from: number; to: number }[] = [];
  const start = new Int32Array(n);
  for (let r = 0; r < n; r += 1) {
    const scores = benchmark.scores.subarray(r * m, (r + 1) * m);
    const costs = benchmark.costs.subarray(r * m, (r + 1) * m);
    let best = 0;
    for (let k = 1; k < m; k += 1) if ((scores[k] as number) > (scores[best] as number)) best = k;
    const losses = shortfalls(scores, best);
    start[r] = chooseByShortfall(losses, costs, 0);
    for (const step of switchPoints(losses, costs)) events.push({ knob: step.knob, row: r, from: step.from, to: step.to });
  }
  events.sort((a, b) => a.knob - b.knob);
  const state = pointOf(benchmark, (r) => start[r] as number);
  let cost = state.cost * n;
  let quality = state.quality * n;
  const points: CostPoint[] = [{ cost: cost / n, quality: quality / n }];
  for (let i = 0; i < events.length; i += 1) {
    const { row, from, to } = events[i]!;
    cost += (benchmark.costs[row * m + to] as number) - (benchmark.costs[row * m + from] as number);
    quality += (benchmark.scores[row * m + to] as number) - (benchmark.scores[row * m + from] as number);
    if (i + 1 === events.length || events[i + 1]!.knob !== events[i]!.knob) points.push({ cost: cost / n, quality: quality / n });
  }
  return points;
}

/** The smallest cost share a router is evaluated at, before the all-cheapest end. */
export const SMALLEST_SHARE = 0.01;

/**
 * The cost shares a router is evaluated at: `numResults` + 1 of them evenly spaced on a log scale
 * from 100% down to 1% of the way from the all-cheapest to the all-strongest bill, then 0. Prices
 * of a ladder span one or two orders of magnitude (RouterBench's run from 2% to 100% of GPT-4's),
 * so even steps of 10% would leave the whole cheap end, where a 34B model does 90% of GPT-4's
 * work at 8% of its price, between two points.
 */
export function evaluationShares(numResults: number): number[] {
  const shares: number[] = [];
  for (let i = 0; i <= numResults; i += 1) shares.push(i === 0 ? 1 : SMALLEST_SHARE ** (i / numResults));
  shares.push(0);
  return shares;
}

/**
 * A router's choices on a benchmark at each of `shares` (plus t = 0): its predicted qualities
 * (`quality`, row-major over the benchmark's models) and the rule with `expectedCosts`. The knob
 * for each share comes from the router's own scores on these prompts, without their labels, as
 * RouteLLM's evaluator takes its thresholds from the win rates' quantiles. Returns the knobs and,
 * per knob, every prompt's chosen model.
 */
export function routerChoices(
  quality: Float64Array,
  models: number,
  expectedCosts: ArrayLike<number>,
  reference: number,
  shares: readonly number[],
): { knobs: number[]; shares: (number | undefined)[]; choices: Int32Array[] } {
  const n = quality.length / models;
  const scaled = costScale(expectedCosts, reference);
  const rows = Array.from({ length: n }, (_, r) => shortfalls(quality.subarray(r * models, (r + 1) * models), reference));
  const curve = costShareCurve(rows, scaled);
  const knobs: number[] = [0];
  const asked: (number | undefined)[] = [undefined];
  for (const share of shares) {
    const knob = knobForCostShare(curve, share);
    if (knobs.includes(knob)) continue;
    knobs.push(knob);
    asked.push(share);
  }
  const choices = knobs.map((knob) => Int32Array.from(rows, (losses) => chooseByShortfall(losses, scaled, knob)));
  return { knobs, shares: asked, choices };
}

/** The curve of a router's choices (see routerChoices); `permutation` gives row r the scores of row permutation[r]. */
export function curveOf(benchmark: MultiBenchmark, choices: { knobs: number[]; shares: (number | undefined)[]; choices: Int32Array[] }, permutation?: Int32Array): MultiCurvePoint[] {
  return choices.knobs.map((knob, i) => {
    const chosen = choices.choices[i] as Int32Array;
    const point = pointOf(benchmark, permutation ? (r) => chosen[permutation[r] as number] as number : (r) => chosen[r] as number);
    return { ...point, knob, share: choices.shares[i] };
  });
}

/** Each model's mean cost per prompt: the prices the rule weighs (not the per-prompt costs, which no router knows before the answer). */
export function expectedCostsOf(benchmark: MultiBenchmark): Float64Array {
  return columnMeans(benchmark.costs, benchmark.models.length);
}
