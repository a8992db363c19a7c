import { ConfigError, Decider, type ModelPair, type Router, type RouterContext, type RouterRegistry, type ShareCalibrator, type ShareResolver, type ThresholdAdvisor } from '../core/index.js';
import { loadShareTables } from '../calibrate/load-calibration-table.js';
import type { RoutellmConfig } from '../config/load-config.js';

export interface BuildDeciderOptions {
  readonly registry: RouterRegistry;
  /** Routers to load, in order: names the registry builds (with `config.routers[name]`), or routers built already. */
  readonly routers: readonly (string | Router)[];
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

/** Builds the routers named and the Decider over them: the one start-up path for every command. */
export async function buildDecider(options: BuildDeciderOptions): Promise<Decider> {
  const names = options.routers.filter((router): router is string => typeof router === 'string');
  const built = await options.registry.build(names, options.config.routers, options.context);
  const routers = new Map<string, Router>();
  for (const router of options.routers) {
    const name = typeof router === 'string' ? router : checkedRouter(router).name;
    if (routers.has(name) && typeof router !== 'string') throw new ConfigError(`two routers are named "${name}"; give each router its own name`);
    routers.set(name, typeof router === 'string' ? (built.get(router) as Router) : router);
  }
  let resolveShare = options.resolveShare;
  let adviseThreshold: ThresholdAdvisor | undefined;
  if (!resolveShare) {
    const loaded = await loadShareTables(routers, options.context);
    resolveShare = loaded.resolveShare;
    adviseThreshold = loaded.adviseThreshold;
    if (options.onShareProblem) loaded.problems.forEach(options.onShareProblem);
  }
  return new Decider({
    pair: options.pair,
    routers,
    ...(resolveShare ? { resolveShare } : {}),
    ...(adviseThreshold && options.onThresholdAdvice ? { adviseThreshold, onThresholdAdvice: options.onThresholdAdvice } : {}),
    ...(options.liveShares ? { liveShares: options.liveShares } : {}),
  });
}

/** A router object of the caller's own, checked: a name a model name can address, a fingerprint, a strongWinRate method. */
function checkedRouter(router: Router): Router {
  const given = router as Partial<Router> | null;
  if (given === null || typeof given !== 'object' || typeof given.strongWinRate !== 'function' || typeof given.fingerprint !== 'string' || typeof given.name !== 'string') {
    throw new ConfigError('a router object needs a name, a fingerprint (a string naming its weights) and a strongWinRate(prompt) method');
  }
  if (!/^[a-z0-9_]+$/i.test(given.name)) {
    // Model names split on hyphens, so a hyphen in a router name could never be addressed.
    throw new ConfigError(`router name "${given.name}" may use only letters, digits and underscores`);
  }
  return router;
}
