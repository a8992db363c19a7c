import { randomRouterFactory, RouterRegistry } from '../core/index.js';
import { lazyCausalLlmRouterFactory, lazySwRankingRouterFactory } from './lazy-network-routers.js';

/** Every router this package ships, by name. Learned routers register here. */
export function createBuiltinRegistry(): RouterRegistry {
  return new RouterRegistry()
    .register(randomRouterFactory)
    .register(lazySwRankingRouterFactory)
    .register(lazyCausalLlmRouterFactory);
}
