import { createHash } from 'node:crypto';
import { ConfigError, scorePrompts, type Router, type RouterFactory, type RouterOptions } from '../../core/index.js';
import { isMultipleChoice } from '../lexical/multiple-choice.js';
import { rejectUnknownOptions } from '../router-options.js';
import { allInOrder } from '../../runtime/all-in-order.js';
import { HYBRID_EXPERTS } from './hybrid-experts.js';

/**
 * Two experts behind one name: multiple-choice questions go to `lexical`, whose word n-grams
 * learned which MMLU-style questions only the strong model gets right; everything else goes to
 * `semantic` (mf over use-static), whose token semantics carry over to open-ended chat prompts
 * where n-grams learned on benchmarks do not. The lexical scores are aligned to mf's scale when
 * trained, so one threshold means about the same share for both kinds of prompt.
 */
export function createHybridRouter(experts: { semantic: Router; lexical: Router }): Router {
  const { semantic, lexical } = experts;
  const fingerprint = createHash('sha256').update(`hybrid\0${semantic.fingerprint}\0${lexical.fingerprint}`).digest('hex').slice(0, 16);
  return {
    name: 'hybrid',
    fingerprint,
    strongWinRate(prompt) {
      return isMultipleChoice(prompt) ? lexical.strongWinRate(prompt) : semantic.strongWinRate(prompt);
    },
    async strongWinRates(prompts) {
      const rates: number[] = new Array<number>(prompts.length);
      const open: number[] = [];
      for (let i = 0; i < prompts.length; i++) {
        if (isMultipleChoice(prompts[i]!)) rates[i] = await lexical.strongWinRate(prompts[i]!);
        else open.push(i);
      }
      const semanticRates = await scorePrompts(semantic, open.map((i) => prompts[i]!));
      open.forEach((i, k) => (rates[i] = semanticRates[k]!));
      return rates;
    },
  };
}

function subOptions(options: RouterOptions, key: string): RouterOptions {
  const value = options[key];
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(`hybrid: option "${key}" must be a map of ${key}'s own options`);
  }
  return value as RouterOptions;
}

/**
 * The `hybrid` factory. Options: `mf` and `lexical`, each a map of that router's own options
 * (e.g. `mf: {cache_size: 1000}`); by default both load their shipped weights, offline.
 */
export function createHybridRouterFactory(experts: { mf: RouterFactory; lexical: RouterFactory }): RouterFactory {
  return {
    name: 'hybrid',
    description: 'the default: lexical n-grams for multiple-choice questions, mf over use-static for everything else; offline; options: mf, lexical',
    offline: true,
    experts: HYBRID_EXPERTS,
    async create(options, context) {
      rejectUnknownOptions('hybrid', options, HYBRID_EXPERTS, " (each a map of that router's options)");
      const [semantic, lexical] = await allInOrder<[Router, Router]>([
        Promise.resolve(experts.mf.create(subOptions(options, 'mf'), context)),
        Promise.resolve(experts.lexical.create(subOptions(options, 'lexical'), context)),
      ]);
      return createHybridRouter({ semantic, lexical });
    },
  };
}
