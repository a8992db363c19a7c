import { lazyRouterFactory } from '../lazy-router-factory.js';

/** `difficulty`, registered without importing it. */
export const lazyDifficultyRouterFactory = lazyRouterFactory(
  {
    name: 'difficulty',
    description:
      'the default: prompt difficulty from structure features and use-static semantics, lexical n-grams for multiple-choice; offline; options: checkpoint_path, config_path, lexical, cache_size',
    offline: true,
    experts: ['lexical'],
  },
  async () => (await import('./difficulty-router.js')).difficultyRouterFactory,
);
