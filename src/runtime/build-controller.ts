import { Controller, type ModelPair, type RouterContext, type RouterRegistry, type ShareResolver } from '../core/index.js';
import { loadShippedShareResolver } from '../calibrate/load-calibration-table.js';
import type { RoutellmConfig } from '../config/load-config.js';

export interface BuildControllerOptions {
  readonly registry: RouterRegistry;
  readonly routerNames: readonly string[];
  readonly pair: ModelPair;
  readonly config: RoutellmConfig;
  readonly context: RouterContext;
  /** Resolves `router-mf-50%`; default: the shipped calibration table (datasets/calibration/quantiles.json). */
  readonly resolveShare?: ShareResolver;
}

/** Builds the routers named and the Controller over them: the one start-up path for every command. */
export async function buildController(options: BuildControllerOptions): Promise<Controller> {
  const routers = await options.registry.build(options.routerNames, options.config.routers, options.context);
  const resolveShare = options.resolveShare ?? (await loadShippedShareResolver(routers, options.context));
  return new Controller({
    pair: options.pair,
    routers,
    ...(resolveShare ? { resolveShare } : {}),
  });
}
