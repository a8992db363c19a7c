import type { RouterFactory } from '../core/index.js';

/**
 * A router factory registered without importing its module: the registry is built by every
 * command, and only the ones that route with a router should pay for its modules (mf's token
 * table, the openai SDK of sw_ranking and causal_llm). `about` is what `--help` and errors show
 * before anything is loaded; `load` imports the real factory on the first create.
 */
export function lazyRouterFactory(about: Omit<RouterFactory, 'create'>, load: () => Promise<RouterFactory>): RouterFactory {
  let loaded: Promise<RouterFactory> | undefined;
  return {
    ...about,
    async create(options, context) {
      return (await (loaded ??= load())).create(options, context);
    },
  };
}
