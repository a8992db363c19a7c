import { randomRouterFactory, RouterRegistry } from '../core/index.js';
import { lazyCausalLlmRouterFactory, lazySwRankingRouterFactory } from './lazy-network-routers.js';
import { lazyDifficultyRouterFactory } from './difficulty/lazy-difficulty-router.js';
import { lazyHybridRouterFactory } from './hybrid/lazy-hybrid-router.js';
import { lazyLexicalRouterFactory } from './lexical/lazy-lexical-router.js';
import { lazyMfRouterFactory } from './mf/lazy-mf-router.js';

/** Every router this package ships, by name. Learned routers register here. */
export function createBuiltinRegistry(): RouterRegistry {
  return new RouterRegistry()
    .register(randomRouterFactory)
    .register(lazyDifficultyRouterFactory)
    .register(lazyHybridRouterFactory)
    .register(lazyMfRouterFactory)
    .register(lazyLexicalRouterFactory)
    .register(lazySwRankingRouterFactory)
    .register(lazyCausalLlmRouterFactory);
}
