import type { Router, RouterFactory, RouterOptions } from '../core/index.js';
import { createBuiltinRegistry } from '../routers/builtin-registry.js';
import { nodeRouterContext } from '../runtime/node-router-context.js';
import type { ControllerEnvironment } from './controller-options.js';

/** The names of the routers this package ships (`difficulty`, the default, `mf`, `hybrid`, `random`, ...). */
export function builtinRouters(): string[] {
  return createBuiltinRegistry().names();
}

/**
 * Builds one router on its own: a built-in by name, or a factory of your own, with its options as
 * the config file gives them under its name (`{ seed: 42 }` for random, `{ checkpoint_path }` for mf).
 * Its `strongWinRate(prompt)` scores a prompt; a router of your own may wrap it, and the Controller
 * takes either in `routers`.
 */
export async function createRouter(
  router: string | RouterFactory,
  options: { readonly options?: RouterOptions } & Pick<ControllerEnvironment, 'env' | 'cwd' | 'fetch'> = {},
): Promise<Router> {
  const registry = createBuiltinRegistry();
  const factory = typeof router === 'string' ? registry.get(router) : registry.register(router).get(router.name);
  const context = nodeRouterContext({ env: options.env ?? process.env, ...(options.cwd ? { cwd: options.cwd } : {}), ...(options.fetch ? { fetch: options.fetch } : {}) });
  return factory.create(options.options ?? {}, context);
}
