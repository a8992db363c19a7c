import { ConfigError, type RouterContext } from '../../core/index.js';
import type { Embedder } from '../../embed/embedder.js';
import { createOpenAIEmbedder, openAIEmbedderOptions } from '../../embed/openai-embedder.js';

/**
 * Builds the Embedder a router's config asks for. `spec` is the config's `embedder` value
 * (a name such as `"openai"`, or an object `{type: "openai", model, base_url, ...}`) or, when the
 * config names none, the Embedder id recorded with the router's data (e.g.
 * `openai:text-embedding-3-small:1536`).
 */
export type EmbedderResolver = (spec: unknown, context: RouterContext, where: string) => Embedder | Promise<Embedder>;

/** The part of an Embedder id or spec that names its kind: `openai` in `openai:model:dim`. */
export function embedderKind(spec: unknown): string | undefined {
  if (typeof spec === 'string') return spec.split(':')[0];
  if (spec !== null && typeof spec === 'object' && typeof (spec as { type?: unknown }).type === 'string') {
    return (spec as { type: string }).type;
  }
  return undefined;
}

/**
 * Resolves `openai` embedders (from a name, an object of openai embedder options, or a recorded
 * id `openai:<model>:<dim>`); anything else goes to `fallback`, or is a ConfigError.
 */
export function openAIEmbedderResolver(fallback?: EmbedderResolver): EmbedderResolver {
  return (spec, context, where) => {
    if (embedderKind(spec) !== 'openai') {
      if (fallback) return fallback(spec, context, where);
      throw new ConfigError(`${where}: unknown embedder ${JSON.stringify(spec)}; available: openai`);
    }
    let config: Record<string, unknown> = {};
    if (typeof spec === 'string') {
      const [, model, dim] = spec.split(':');
      if (model) config['model'] = model;
      if (dim) config['dim'] = Number(dim);
    } else {
      const { type: _type, ...rest } = spec as Record<string, unknown>;
      config = rest;
    }
    return createOpenAIEmbedder({ ...openAIEmbedderOptions(config, context.env, where), fetch: context.fetch });
  };
}
