import { RoutellmError, type Router } from '../core/index.js';
import type { TrainedPrompts } from './trained-prompts.js';
import type { BenchmarkData } from './benchmarks/benchmark-data.js';
import { inSampleCount } from './declared-training.js';
import { chanceLevel, pAgainstChance, type ChanceLevel } from './metrics/chance-level.js';
import { curveMetrics, byStrongShare, type CurveMetrics } from './metrics/curve-metrics.js';
import { optimalCurve, type OptimalPoint } from './metrics/optimal-curve.js';
import { modelScore } from './metrics/paired-scores.js';
import { averageCurves, distinctCount, routerCurve, type CurvePoint } from './metrics/router-curve.js';
import type { ScoringProgress } from './score-with-cache.js';
import { winRatesWithCache } from './score-with-cache.js';
import type { WinRateCache } from './win-rate-cache.js';

/** A router to evaluate: built once, or once per seeded run (the random baseline). */
export interface RouterUnderTest {
  readonly name: string;
  /** Number of runs whose curves are averaged (1 for deterministic routers). */
  readonly runs: number;
  build(run: number): Promise<Router>;
  /** Opens the win-rate cache for a built router; undefined = do not cache (random). */
  openCache(router: Router): Promise<WinRateCache | undefined>;
  /** The prompts its weights were trained on, when its model card declares them (see declared-training.ts). */
  readonly trainedOn?: TrainedPrompts | undefined;
}

/** One router's evaluation. */
export interface RouterEvaluation {
  readonly name: string;
  readonly metrics: CurveMetrics;
  /** The curve in ascending strong-call share (averaged over runs). */
  readonly points: readonly CurvePoint[];
  readonly runs: number;
  /** One-sided p-value against random scores (see metrics/chance-level.ts); only for single-run routers when chance was measured. */
  readonly pRandom?: number;
  /** How many of the benchmark's items the router was trained on; its row is in-sample when above 0. */
  readonly inSample: number;
}

/** Everything `routellm eval` reports for one benchmark. */
export interface EvalReport {
  readonly benchmark: BenchmarkData;
  readonly strongScore: number;
  readonly weakScore: number;
  /** Sorted by APGR, best first. */
  readonly routers: readonly RouterEvaluation[];
  readonly optimal: readonly OptimalPoint[];
  /** APGR of random scores over many draws; absent when not asked for or when the models tie. */
  readonly chance?: ChanceLevel;
}

/** Hooks for live progress, per router. */
export interface EvalProgress {
  router(name: string, run: number, runs: number): ScoringProgress;
  routerDone(name: string, seconds: number): void;
}

/**
 * Evaluates each router on the loaded benchmark with the Python evaluator's method
 * (see metrics/router-curve.ts); all routers share the loaded data.
 */
export async function evaluateRouters(options: {
  benchmark: BenchmarkData;
  routers: readonly RouterUnderTest[];
  numResults: number;
  progress?: EvalProgress;
  now?: () => number;
  /** Stops scoring between batches (Ctrl-C); what was scored stays cached. */
  signal?: AbortSignal;
  /** Random-score draws for the chance level and each router's p-value; 0 or absent = skip. */
  chanceDraws?: number;
  /** Told when a router's win rates take fewer than 3 values (its curve is then a few points). */
  warn?: (message: string) => void;
  /** Batches scored at once (`eval --parallel`): network routers keep that many requests going. */
  parallel?: number;
}): Promise<EvalReport> {
  const { benchmark } = options;
  const strongScore = modelScore(benchmark.scores, 'strong');
  const weakScore = modelScore(benchmark.scores, 'weak');
  const now = options.now ?? (() => performance.now());
  const { signal } = options;
  // The curves and the chance level are CPU loops: between pieces of them, let the event loop
  // run (so a signal is delivered) and stop when it has been.
  const pause = async (what: string) => {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (signal?.aborted) throw new RoutellmError(`interrupted while ${what}`);
  };
  const evaluations: RouterEvaluation[] = [];
  for (const candidate of options.routers) {
    const started = now();
    const curves: CurvePoint[][] = [];
    for (let run = 0; run < candidate.runs; run += 1) {
      const router = await candidate.build(run);
      const cache = await candidate.openCache(router);
      const rates = await winRatesWithCache(router, benchmark.prompts, cache, options.progress?.router(candidate.name, run, candidate.runs), options.signal, options.parallel);
      await pause(`evaluating router "${candidate.name}"`);
      const curve = routerCurve(rates, benchmark.scores, options.numResults);
      curves.push(curve);
      const values = distinctCount(rates);
      if (values < 3 && run === 0) {
        options.warn?.(
          `router "${candidate.name}" gave ${values === 1 ? 'the same win rate to every prompt' : `only ${values} distinct win rates`}, so its curve has only ${curve.length} points; ` +
            'AUC and APGR interpolate linearly between them, as a router breaking its ties by coin would',
        );
      }
    }
    const points = byStrongShare(averageCurves(curves));
    const inSample = inSampleCount(candidate.trainedOn, benchmark.prompts);
    evaluations.push({ name: candidate.name, metrics: curveMetrics(points, weakScore, strongScore), points, runs: candidate.runs, inSample });
    options.progress?.routerDone(candidate.name, (now() - started) / 1000);
  }
  const chance = options.chanceDraws
    ? await chanceLevel(benchmark.scores, options.numResults, options.chanceDraws, 0, () => pause('measuring the chance level'))
    : undefined;
  const judged = chance
    ? evaluations.map((e) => (e.runs === 1 ? { ...e, pRandom: pAgainstChance(chance, e.metrics.apgr) } : e))
    : evaluations;
  // Stable: routers with equal APGR keep the order they were named in.
  judged.sort((a, b) => b.metrics.apgr - a.metrics.apgr);
  return { benchmark, strongScore, weakScore, routers: judged, optimal: optimalCurve(benchmark.scores), ...(chance ? { chance } : {}) };
}
