import type { RouterFactory } from '../../core/index.js';
import { lazyLexicalRouterFactory } from '../lexical/lazy-lexical-router.js';
import { lazyMfRouterFactory } from '../mf/lazy-mf-router.js';

/** `hybrid`, registered without importing it (see lazy-mf-router.ts). */
export const lazyHybridRouterFactory: RouterFactory = {
  name: 'hybrid',
  description:
    'the default: lexical n-grams for multiple-choice questions, mf over use-static for everything else; offline; options: mf, lexical (maps of their options)',
  offline: true,
  async create(options, context) {
    const { createHybridRouterFactory } = await import('./hybrid-router.js');
    return createHybridRouterFactory({ mf: lazyMfRouterFactory, lexical: lazyLexicalRouterFactory }).create(options, context);
  },
};
