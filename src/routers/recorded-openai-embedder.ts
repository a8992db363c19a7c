import { ConfigError, type RouterContext } from '../core/index.js';
import type { Embedder } from '../embed/embedder.js';
import type { EmbedderResolver } from './sw-ranking/resolve-embedder.js';

// Types only from the resolver module: this file must not load the openai SDK (mf imports it, and
// `routellm route` with the default router must start fast).
/**
 * Resolves the OpenAI embedder that `router`'s data or weights were made with (`recorded`, an id
 * such as `openai:text-embedding-3-small:1536`). When it cannot be built (no key for
 * api.openai.com), the one line says why this data needs OpenAI (`why`) and how to give it.
 */
export async function resolveRecordedOpenAIEmbedder(
  resolveEmbedder: EmbedderResolver,
  recorded: string,
  context: RouterContext,
  router: string,
  why: string,
): Promise<Embedder> {
  try {
    return await resolveEmbedder(recorded, context, router);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const reason = error.message.startsWith(`${router}: `) ? error.message.slice(router.length + 2) : error.message;
    throw new ConfigError(
      `${router}: ${why}, and ${reason}: set OPENAI_API_KEY, or OPENAI_BASE_URL to an OpenAI-compatible server with that model, or ${router}.embedder to {type: openai, base_url, api_key_env}`,
      { cause: error },
    );
  }
}
