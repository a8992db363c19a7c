import { ConfigError } from '../errors.js';
import { rejectUnknownOptions } from '../reject-unknown-options.js';
import type { RouterFactory } from '../registry.js';
import type { Router } from '../router.js';

/**
 * mulberry32: a tiny seedable PRNG. Math.random cannot be seeded, and evaluations
 * of the random baseline must be reproducible.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The baseline: a uniform win rate regardless of the prompt. */
export function createRandomRouter(options: { seed?: number; random?: () => number } = {}): Router {
  const random = options.random ?? (options.seed === undefined ? Math.random : seededRandom(options.seed));
  return {
    name: 'random',
    // Every seed draws from the same uniform distribution, so one calibration entry fits them all
    // (`random: {seed: 42}` keeps router-random-50%); its rates are never cached, being noise.
    fingerprint: 'random:uniform',
    strongWinRate: () => random(),
  };
}

export const randomRouterFactory: RouterFactory = {
  name: 'random',
  description: 'uniform random win rate (the baseline every router must beat); option: seed',
  offline: true,
  create(options) {
    rejectUnknownOptions('random', options, ['seed']);
    const seed = options['seed'];
    if (seed !== undefined && !(typeof seed === 'number' && Number.isInteger(seed))) {
      throw new ConfigError(`random.seed must be an integer, got ${JSON.stringify(seed)}`);
    }
    return createRandomRouter(seed === undefined ? {} : { seed });
  },
};
