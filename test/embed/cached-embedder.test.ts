import { describe, expect, it } from 'vitest';
import { cacheEntryBytes, createCachedEmbedder } from '../../src/embed/cached-embedder.js';
import type { Embedder } from '../../src/embed/embedder.js';

/** Records each batch it is asked for; embeds a text as [length, first char code]. `gate` holds calls until released. */
function recordingEmbedder() {
  const calls: string[][] = [];
  let release: () => void = () => undefined;
  let gate: Promise<void> | undefined;
  let failNext = false;
  const embedder: Embedder = {
    id: 'test:recording',
    dim: 2,
    async embed(texts) {
      calls.push([...texts]);
      if (gate) await gate;
      if (failNext) {
        failNext = false;
        throw new Error('embedding service down');
      }
      return texts.map((t) => Float32Array.from([t.length, t.charCodeAt(0) || 0]));
    },
  };
  return {
    embedder,
    calls,
    hold() {
      gate = new Promise((resolve) => (release = resolve));
    },
    release() {
      gate = undefined;
      release();
    },
    failNext() {
      failNext = true;
    },
  };
}

describe('cached embedder', () => {
  it('sends only misses to the inner embedder, once per distinct text, and counts hits and misses', async () => {
    const inner = recordingEmbedder();
    const cached = createCachedEmbedder(inner.embedder, { maxEntries: 10 });
    expect(cached).toMatchObject({ id: 'test:recording', dim: 2 });
    const first = await cached.embed(['a', 'bb', 'a']);
    expect(first.map((v) => [...v])).toEqual([[1, 97], [2, 98], [1, 97]]);
    expect(inner.calls).toEqual([['a', 'bb']]);
    const second = await cached.embed(['bb', 'ccc']);
    expect(inner.calls).toEqual([['a', 'bb'], ['ccc']]);
    expect(second[0]).toBe(first[1]); // the cached vector itself
    expect(cached.stats).toEqual({ hits: 2, misses: 3, evictions: 0 });
    expect(cached.size).toBe(3);
    expect(cached.peek('ccc')).toBe(second[1]);
    expect(cached.peek('zzz')).toBeUndefined();
  });

  it('evicts the least recently used text beyond maxEntries', async () => {
    const inner = recordingEmbedder();
    const cached = createCachedEmbedder(inner.embedder, { maxEntries: 2 });
    await cached.embed(['a', 'b']);
    await cached.embed(['a']); // 'a' is now more recent than 'b'
    await cached.embed(['c']); // evicts 'b'
    expect(cached.size).toBe(2);
    expect(cached.stats.evictions).toBe(1);
    expect(cached.peek('b')).toBeUndefined();
    expect(cached.peek('a')).toBeDefined();
    await cached.embed(['b']);
    expect(inner.calls).toEqual([['a', 'b'], ['c'], ['b']]);
  });

  it('evicts the least recently used texts beyond maxBytes, counting long texts by their length', async () => {
    const { embedder } = recordingEmbedder();
    const long = (mark: string) => mark + '漢'.repeat(7999); // an 8,000-character CJK prompt: 16 KB as V8 holds it
    const entry = cacheEntryBytes(long('a'), new Float32Array(2));
    const cached = createCachedEmbedder(embedder, { maxEntries: 10_000, maxBytes: entry * 3 });
    for (const mark of ['a', 'b', 'c', 'd', 'e']) await cached.embed([long(mark)]);
    expect(cached.size).toBe(3);
    expect(cached.bytes).toBe(entry * 3);
    expect(cached.peek(long('a'))).toBeUndefined();
    expect(cached.peek(long('e'))).toBeDefined();
    expect(cached.stats.evictions).toBe(2);
  });

  it('lets concurrent calls for the same text share one inner call', async () => {
    const inner = recordingEmbedder();
    const cached = createCachedEmbedder(inner.embedder);
    inner.hold();
    const one = cached.embed(['same']);
    const two = cached.embed(['same', 'other']);
    inner.release();
    const [[a], [b, c]] = await Promise.all([one, two]);
    expect(a).toBe(b);
    expect([...c!]).toEqual([5, 111]);
    expect(inner.calls).toEqual([['same'], ['other']]);
  });

  it('caches nothing from a failed call, and every waiter sees the failure', async () => {
    const inner = recordingEmbedder();
    const cached = createCachedEmbedder(inner.embedder);
    inner.hold();
    inner.failNext();
    const one = cached.embed(['x']);
    const two = cached.embed(['x']);
    inner.release();
    await expect(one).rejects.toThrow('embedding service down');
    await expect(two).rejects.toThrow('embedding service down');
    expect(cached.size).toBe(0);
    expect([...(await cached.embed(['x']))[0]!]).toEqual([1, 120]);
    expect(inner.calls).toEqual([['x'], ['x']]);
  });

  it('rejects a bound that is not a positive integer', () => {
    expect(() => createCachedEmbedder(recordingEmbedder().embedder, { maxEntries: 0 })).toThrow(RangeError);
  });
});
