import { boundedRoutingText, RoutellmError, seededRandom } from '../../core/index.js';
import type { ModelScorer } from '../../core/index.js';
import type { TrainedPrompts } from '../trained-prompts.js';
import { inSampleCount } from '../declared-training.js';
import { aiq, hullAt, upperHull, type CostPoint } from './cost-quality.js';
import type { MultiBenchmark } from './multi-benchmark.js';
import { curveOf, evaluationShares, expectedCostsOf, oracleCurve, routerChoices, singleModelPoints, type MultiCurvePoint } from './multi-curves.js';

/** A router over many models to evaluate. */
export interface MultiRouterUnderTest {
  readonly name: string;
  readonly scorer: ModelScorer;
  /** The prompts its weights were trained on, when its model card declares them. */
  readonly trainedOn?: TrainedPrompts | undefined;
}

/** What shuffling a router's scores across prompts gives: its AIQ without the prompt-level signal. */
export interface ShuffledLevel {
  readonly draws: number;
  readonly mean: number;
  readonly sd: number;
}

/** One router's evaluation. */
export interface MultiRouterEvaluation {
  readonly name: string;
  /** Its curve: t = 0, then one point per cost share asked (duplicates merged), costliest first. */
  readonly points: readonly MultiCurvePoint[];
  readonly aiq: number;
  /**
   * The same router with its score vectors shuffled across the prompts (the same mix of choices,
   * no prompt-level signal), and the share of those draws at least as good: on a few hundred
   * prompts a router's AIQ needs this beside it to mean anything.
   */
  readonly shuffled?: ShuffledLevel;
  readonly pShuffled?: number;
  /** How many of the benchmark's prompts the router was trained on. */
  readonly inSample: number;
}

/** Everything `eval --models` reports for one benchmark. */
export interface MultiEvalReport {
  readonly benchmark: MultiBenchmark;
  /** Index of the reference (the last of --models): 100% of the bill means every call to it. */
  readonly reference: number;
  readonly singles: readonly CostPoint[];
  /** The zero router: the hull of the single models, and its AIQ. */
  readonly zero: { readonly hull: readonly CostPoint[]; readonly aiq: number };
  /** The per-prompt oracle: its frontier, its best point, and its AIQ. */
  readonly oracle: { readonly curve: readonly CostPoint[]; readonly best: CostPoint; readonly aiq: number };
  /** AIQ's cost range: the cheapest and the dearest single model. */
  readonly range: { readonly low: number; readonly high: number };
  /** The per-model costs the rule weighed. */
  readonly expectedCosts: Float64Array;
  /** Sorted by AIQ, best first. */
  readonly routers: readonly MultiRouterEvaluation[];
}

/** Prompts scored between two looks at the signal (Ctrl-C) and the event loop. */
const BATCH = 256;

/** Scores every prompt with a router, in the benchmark's model order (columns the router lacks are an error). */
async function scoreAll(router: MultiRouterUnderTest, benchmark: MultiBenchmark, signal?: AbortSignal): Promise<Float64Array> {
  const { scorer } = router;
  const columns = benchmark.models.map((model) => scorer.models.indexOf(model));
  const unknown = benchmark.models.filter((_, k) => (columns[k] as number) < 0);
  if (unknown.length > 0) {
    throw new RoutellmError(`router "${router.name}" does not score ${unknown.join(', ')}; it scores ${scorer.models.join(', ')}`);
  }
  const m = benchmark.models.length;
  const out = new Float64Array(benchmark.prompts.length * m);
  for (let start = 0; start < benchmark.prompts.length; start += BATCH) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (signal?.aborted) throw new RoutellmError(`interrupted while scoring with router "${router.name}"`);
    const end = Math.min(benchmark.prompts.length, start + BATCH);
    for (let r = start; r < end; r += 1) {
      const scores = await scorer.scores(boundedRoutingText(benchmark.prompts[r] as string));
      for (let k = 0; k < m; k += 1) out[r * m + k] = scores[columns[k] as number] as number;
    }
  }
  return out;
}

/**
 * Evaluates routers over a list of models: each one's cost-quality curve over `numResults` cost
 * shares, its AIQ against the zero router's and the oracle's, and the spread of AIQ when its
 * scores are shuffled across prompts (`shuffleDraws`, seeded).
 */
export async function evaluateMulti(options: {
  benchmark: MultiBenchmark;
  routers: readonly MultiRouterUnderTest[];
  numResults: number;
  shuffleDraws: number;
  signal?: AbortSignal;
  log?: (line: string) => void;
}): Promise<MultiEvalReport> {
  const { benchmark } = options;
  const m = benchmark.models.length;
  const reference = m - 1;
  const singles = singleModelPoints(benchmark);
  const low = Math.min(...singles.map((p) => p.cost));
  const high = Math.max(...singles.map((p) => p.cost));
  const expectedCosts = expectedCostsOf(benchmark);
  const oracle = oracleCurve(benchmark);
  const shares = evaluationShares(options.numResults);
  const evaluations: MultiRouterEvaluation[] = [];
  for (const router of options.routers) {
    const started = performance.now();
    const quality = await scoreAll(router, benchmark, options.signal);
    const choices = routerChoices(quality, m, expectedCosts, reference, shares);
    const points = curveOf(benchmark, choices);
    const value = aiq(points, low, high);
    let shuffled: ShuffledLevel | undefined;
    let pShuffled: number | undefined;
    if (options.shuffleDraws > 0) {
      const random = seededRandom(0);
      const permutation = Int32Array.from({ length: benchmark.prompts.length }, (_, i) => i);
      const values = new Float64Array(options.shuffleDraws);
      for (let draw = 0; draw < options.shuffleDraws; draw += 1) {
        if (draw % 50 === 0) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          if (options.signal?.aborted) throw new RoutellmError(`interrupted while shuffling router "${router.name}"`);
        }
        for (let i = permutation.length - 1; i > 0; i -= 1) {
          const j = Math.floor(random() * (i + 1));
          const swap = permutation[i] as number;
          permutation[i] = permutation[j] as number;
          permutation[j] = swap;
        }
        values[draw] = aiq(curveOf(benchmark, choices, permutation), low, high);
      }
      const mean = values.reduce((s, v) => s + v, 0) / values.length;
      const sd = values.length > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1)) : 0;
      shuffled = { draws: options.shuffleDraws, mean, sd };
      pShuffled = (values.filter((v) => v >= value).length + 1) / (options.shuffleDraws + 1);
    }
    evaluations.push({
      name: router.name,
      points,
      aiq: value,
      ...(shuffled ? { shuffled, pShuffled: pShuffled as number } : {}),
      inSample: inSampleCount(router.trainedOn, benchmark.prompts),
    });
    options.log?.(`${router.name}: ${benchmark.prompts.length} prompts scored and evaluated in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  }
  evaluations.sort((a, b) => b.aiq - a.aiq);
  const oracleHull = upperHull(oracle);
  return {
    benchmark,
    reference,
    singles,
    zero: { hull: upperHull(singles), aiq: aiq(singles, low, high) },
    oracle: { curve: oracle, best: oracleHull[oracleHull.length - 1] as CostPoint, aiq: aiq(oracle, low, high) },
    range: { low, high },
    expectedCosts,
    routers: evaluations,
  };
}

/** A curve's quality at `share` of the reference's bill, on its hull (NaN below its cheapest point). */
export function qualityAtShare(report: MultiEvalReport, points: readonly CostPoint[], share: number): number {
  return hullAt(upperHull(points), share * (report.singles[report.reference] as CostPoint).cost);
}
