import { Controller, type ModelPair, type RouterContext, type RouterRegistry, type ShareResolver } from '../core/index.js';
import type { RoutellmConfig } from '../config/load-config.js';

export interface BuildControllerOptions {
  readonly registry: RouterRegistry;
  readonly routerNames: readonly string[];
  readonly pair: ModelPair;
  readonly config: RoutellmConfig;
  readonly context: RouterContext;
  readonly resolveShare?: ShareResolver;
}

/** Builds the routers named and the Controller over them: the one start-up path for every command. */
export async function buildController(options: BuildControllerOptions): Promise<Controller> {
  const routers = await options.registry.build(options.routerNames, options.config.routers, options.context);
  return new Controller({
    pair: options.pair,
    routers,
    ...(options.resolveShare ? { resolveShare: options.resolveShare } : {}),
  });
}
