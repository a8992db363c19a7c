import { describe, expect, it } from 'vitest';
import { loadUseStaticAssets } from '../../src/embed/load-use-assets.js';
import { offlineEmbedderResolver } from '../../src/embed/offline-embedders.js';
import { createUseStaticEmbedder, USE_STATIC_EMBEDDER_ID } from '../../src/embed/use-static-embedder.js';
import { nodeRouterContext } from '../../src/runtime/node-router-context.js';

const assets = await loadUseStaticAssets();

describe('use-static embedder', () => {
  it('reads the 8002 x 256 token table out of the model shards', () => {
    expect([assets.rows, assets.dim, assets.vocabulary.length]).toEqual([8002, 256, 8000]);
    // First values of row 0 of module/Embeddings_en, read independently from the shards with numpy.
    expect(Array.from(assets.table.subarray(0, 3))).toEqual([expect.closeTo(-0.02237013, 7), expect.closeTo(-0.01557523, 7), expect.closeTo(-0.03768989, 7)]);
  });

  it('mean-pools the rows of the prompt tokens', async () => {
    const embedder = createUseStaticEmbedder(assets);
    const ids = embedder.tokenizer.encode('hello world');
    expect(ids.length).toBeGreaterThan(1);
    const [vector] = await embedder.embed(['hello world']);
    for (const k of [0, 17, 255]) {
      const mean = ids.reduce((sum, id) => sum + assets.table[id * 256 + k]!, 0) / ids.length;
      expect(vector![k]).toBeCloseTo(mean, 6);
    }
    expect(Array.from((await embedder.embed(['']))[0]!).every((v) => v === 0)).toBe(true);
  });

  it('resolves by name and by recorded id, and rejects unknown versions and names', async () => {
    const context = nodeRouterContext({ env: {} });
    const resolve = offlineEmbedderResolver();
    expect((await resolve('use-static', context, 'test')).id).toBe(USE_STATIC_EMBEDDER_ID);
    expect((await resolve(USE_STATIC_EMBEDDER_ID, context, 'test')).dim).toBe(256);
    expect(() => resolve('use-static:v9', context, 'test')).toThrow(/"use-static:v9" is not available/);
    expect(() => resolve('word2vec', context, 'test')).toThrow(/unknown embedder "word2vec"; available: use-static, local, openai/);
    expect((await resolve({ type: 'use-static' }, context, 'test')).id).toBe(USE_STATIC_EMBEDDER_ID);
    // An offline embedder takes no options: one given must not look honoured.
    expect(() => resolve({ type: 'local', dim: 128 }, context, 'test')).toThrow('test: unknown option "dim"; known options: type');
  });
});
