import { Controller, type ModelPair, type RouterContext, type RouterRegistry, type ShareCalibrator, type ShareResolver, type ThresholdAdvisor } from '../core/index.js';
import { loadShareTables } from '../calibrate/load-calibration-table.js';
import type { RoutellmConfig } from '../config/load-config.js';

export interface BuildControllerOptions {
  readonly registry: RouterRegistry;
  readonly routerNames: readonly string[];
  readonly pair: ModelPair;
  readonly config: RoutellmConfig;
  readonly context: RouterContext;
  /** Resolves `router-mf-50%`; default: the shipped calibration table (datasets/calibration/quantiles.json). */
  readonly resolveShare?: ShareResolver;
  /**
   * Told, once at start-up, of each loaded router whose share thresholds (`router-mf-50%`) the
   * calibration tables cannot resolve; the lines name the tables' paths (for a log, not clients).
   */
  readonly onShareProblem?: (line: string) => void;
  /**
   * Told once per router and numeric threshold that the calibration tables show to mean almost no
   * or almost every strong call, or that is RouteLLM's published threshold for other weights.
   */
  readonly onThresholdAdvice?: (line: string) => void;
  /** Holds shares on live traffic (serve); without it a share is the table's fixed threshold. */
  readonly liveShares?: ShareCalibrator;
}

/** Builds the routers named and the Controller over them: the one start-up path for every command. */
export async function buildController(options: BuildControllerOptions): Promise<Controller> {
  const routers = await options.registry.build(options.routerNames, options.config.routers, options.context);
  let resolveShare = options.resolveShare;
  let adviseThreshold: ThresholdAdvisor | undefined;
  if (!resolveShare) {
    const loaded = await loadShareTables(routers, options.context);
    resolveShare = loaded.resolveShare;
    adviseThreshold = loaded.adviseThreshold;
    if (options.onShareProblem) loaded.problems.forEach(options.onShareProblem);
  }
  return new Controller({
    pair: options.pair,
    routers,
    ...(resolveShare ? { resolveShare } : {}),
    ...(adviseThreshold && options.onThresholdAdvice ? { adviseThreshold, onThresholdAdvice: options.onThresholdAdvice } : {}),
    ...(options.liveShares ? { liveShares: options.liveShares } : {}),
  });
}
