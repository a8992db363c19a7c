import { lazyRouterFactory } from '../lazy-router-factory.js';

/** `mf`, registered without importing it. */
export const lazyMfRouterFactory = lazyRouterFactory(
  {
    name: 'mf',
    description:
      'matrix factorisation (RouteLLM mf); default: shipped offline weights over use-static; options: checkpoint_path, config_path, embedder, strong_model, weak_model, cache_size',
    offline: true,
  },
  async () => (await import('./mf-router.js')).mfRouterFactory,
);
