import { lazyLexicalRouterFactory } from '../lexical/lazy-lexical-router.js';
import { lazyRouterFactory } from '../lazy-router-factory.js';
import { HYBRID_EXPERTS } from './hybrid-experts.js';
import { lazyMfRouterFactory } from '../mf/lazy-mf-router.js';

/** `hybrid`, registered without importing it; its experts stay lazy too. */
export const lazyHybridRouterFactory = lazyRouterFactory(
  {
    name: 'hybrid',
    description:
      'the default: lexical n-grams for multiple-choice questions, mf over use-static for everything else; offline; options: mf, lexical (maps of their options)',
    offline: true,
    experts: HYBRID_EXPERTS,
  },
  async () => (await import('./hybrid-router.js')).createHybridRouterFactory({ mf: lazyMfRouterFactory, lexical: lazyLexicalRouterFactory }),
);
