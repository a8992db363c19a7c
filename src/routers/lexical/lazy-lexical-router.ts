import type { RouterFactory } from '../../core/index.js';

/** `lexical`, registered without importing it (see lazy-mf-router.ts). */
export const lazyLexicalRouterFactory: RouterFactory = {
  name: 'lexical',
  description: 'logistic regression over hashed word n-grams; default: shipped offline weights; options: checkpoint_path, config_path',
  offline: true,
  async create(options, context) {
    const { lexicalRouterFactory } = await import('./lexical-router.js');
    return lexicalRouterFactory.create(options, context);
  },
};
