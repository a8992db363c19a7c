import { ConfigError, rejectUnknownOptions, type RouterContext, type RouterOptions } from '../core/index.js';
import type { Embedder } from './embedder.js';
import { loadShippedUseStaticAssets } from './use-static-table.js';
import { createUseLiteEmbedder } from './use-lite-embedder.js';
import { createUseStaticEmbedder, USE_STATIC_EMBEDDER_ID, type UseStaticEmbedder } from './use-static-embedder.js';

/** Names of the embedders that need no network, for help text and errors. */
export const OFFLINE_EMBEDDERS = ['use-static', 'local'] as const;

let staticEmbedder: Promise<UseStaticEmbedder> | undefined;

/** The shared `use-static` embedder: its table (datasets/use-static, 4 MB) is read once per process. */
export function useStaticEmbedder(): Promise<UseStaticEmbedder> {
  staticEmbedder ??= loadShippedUseStaticAssets().then(createUseStaticEmbedder);
  // A failed load must not be remembered, or a fixed install would need a restart.
  staticEmbedder.catch(() => {
    staticEmbedder = undefined;
  });
  return staticEmbedder;
}

/**
 * Builds an offline embedder from a config value or a recorded id: `use-static` (alias `static`,
 * id `use-static:v1`) or `local` (USE lite, id `local:use-lite:512`); `{type: ...}` objects too.
 * Anything else goes to `fallback` (the OpenAI resolver), or is a ConfigError.
 */
export function offlineEmbedderResolver(
  fallback?: (spec: unknown, context: RouterContext, where: string) => Embedder | Promise<Embedder>,
) {
  return (spec: unknown, context: RouterContext, where: string): Embedder | Promise<Embedder> => {
    const kind = typeof spec === 'string' ? spec.split(':')[0] : (spec as { type?: unknown } | null)?.type;
    // The offline embedders take no options: `{type: local, dim: 256}` must not look honoured.
    if ((kind === 'use-static' || kind === 'static' || kind === 'local') && typeof spec === 'object' && spec !== null) {
      rejectUnknownOptions(where, spec as RouterOptions, ['type']);
    }
    if (kind === 'use-static' || kind === 'static') {
      if (typeof spec === 'string' && spec.includes(':') && spec !== USE_STATIC_EMBEDDER_ID) {
        throw new ConfigError(`${where}: embedder "${spec}" is not available; this version has ${USE_STATIC_EMBEDDER_ID}`);
      }
      return useStaticEmbedder();
    }
    if (kind === 'local') return createUseLiteEmbedder();
    if (fallback) return fallback(spec, context, where);
    throw new ConfigError(`${where}: unknown embedder ${JSON.stringify(spec)}; available: ${OFFLINE_EMBEDDERS.join(', ')}, openai`);
  };
}
