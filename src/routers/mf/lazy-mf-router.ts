import type { RouterFactory } from '../../core/index.js';

/**
 * `mf`, registered without importing it: the registry is built by every command, and only the
 * ones that route with mf should pay for its modules.
 */
export const lazyMfRouterFactory: RouterFactory = {
  name: 'mf',
  description:
    'matrix factorisation (RouteLLM mf); default: shipped offline weights over use-static; options: checkpoint_path, config_path, embedder, strong_model, weak_model, cache_size',
  offline: true,
  async create(options, context) {
    const { mfRouterFactory } = await import('./mf-router.js');
    return mfRouterFactory.create(options, context);
  },
};
