import { lazyRouterFactory } from './lazy-router-factory.js';

/** sw_ranking and causal_llm pull in the openai SDK, which `routellm route` with the default router must not pay for at start-up. */
export const lazySwRankingRouterFactory = lazyRouterFactory(
  {
    name: 'sw_ranking',
    description:
      "RouteLLM's similarity-weighted Elo over embedded battles; options: arena_battle_datasets + arena_embedding_datasets | data_dir | battles_path + embeddings_path, embedder, strong_model, weak_model, num_tiers, tiers",
    // No data ships by default, and data embedded with `openai` needs the network.
    offline: false,
  },
  async () => {
    const [{ createSwRankingRouterFactory }, { openAIEmbedderResolver }, { offlineEmbedderResolver }] = await Promise.all([
      import('./sw-ranking/sw-ranking-router.js'),
      import('./sw-ranking/resolve-embedder.js'),
      import('../embed/offline-embedders.js'),
    ]);
    // Battles embedded offline (use-static, local) route offline; openai ones call the API.
    return createSwRankingRouterFactory(offlineEmbedderResolver(openAIEmbedderResolver()));
  },
);

export const lazyCausalLlmRouterFactory = lazyRouterFactory(
  {
    name: 'causal_llm',
    description: "RouteLLM's LLM-judge router over an OpenAI-compatible endpoint; options: model, base_url, api_key/api_key_env, logprobs, checkpoint_path",
    offline: false,
  },
  async () => (await import('./causal-llm/causal-llm-router.js')).causalLlmRouterFactory,
);
