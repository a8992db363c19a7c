import { describe, expect, it } from 'vitest';
import { offlineEmbedderResolver } from '../../src/embed/offline-embedders.js';
import { nodeRouterContext } from '../../src/runtime/node-router-context.js';

describe('local (USE lite) embedder', () => {
  it('embeds offline from the npm package: 512-d unit vectors, related texts closer', { timeout: 60_000 }, async () => {
    const embedder = await offlineEmbedderResolver()('local', nodeRouterContext({ env: {} }), 'test');
    expect([embedder.id, embedder.dim]).toEqual(['local:use-lite:512', 512]);
    const [cat, kitten, tax, empty] = await embedder.embed(['The cat sat on the mat.', 'A kitten is sleeping on the rug.', 'How do I file my income tax return?', '']);
    const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i]!, 0);
    expect(cat!.length).toBe(512);
    expect(dot(cat!, cat!)).toBeCloseTo(1, 2);
    expect(dot(cat!, kitten!)).toBeGreaterThan(dot(cat!, tax!));
    expect(empty!.length).toBe(512);
    const [again] = await embedder.embed(['The cat sat on the mat.']);
    expect(Array.from(again!)).toEqual(Array.from(cat!));
  });
});
