import { lazyRouterFactory } from '../lazy-router-factory.js';

/** `lexical`, registered without importing it. */
export const lazyLexicalRouterFactory = lazyRouterFactory(
  {
    name: 'lexical',
    description: 'logistic regression over hashed word n-grams; default: shipped offline weights; options: checkpoint_path, config_path',
    offline: true,
  },
  async () => (await import('./lexical-router.js')).lexicalRouterFactory,
);
