import { LRUCache } from 'lru-cache';
import { RouterError } from '../core/index.js';
import type { Embedder } from './embedder.js';

/** Counters of a CachedEmbedder, for tests and benchmarks. */
export interface CacheStats {
  hits: number;
  misses: number;
  evictions: number;
}

/** An Embedder that remembers its most recent vectors, keyed by text. */
export interface CachedEmbedder extends Embedder {
  /** The cached vector for `text` without touching the inner embedder, or undefined. Marks it recently used. */
  peek(text: string): Float32Array | undefined;
  readonly size: number;
  /** What the cached texts and vectors hold, as the byte bound counts it. */
  readonly bytes: number;
  readonly stats: Readonly<CacheStats>;
}

/** Default byte bound of a CachedEmbedder: texts (2 bytes a character, as V8 may hold them) plus vectors. */
export const DEFAULT_CACHE_MAX_BYTES = 32 * 1024 * 1024;
/** What one cache entry costs besides its text and vector (map entry, typed-array header), roughly. */
const ENTRY_OVERHEAD_BYTES = 160;

/** What one cached text and vector hold in memory, as the byte bound counts it. */
export function cacheEntryBytes(text: string, vector: Float32Array): number {
  return text.length * 2 + vector.byteLength + ENTRY_OVERHEAD_BYTES;
}

/**
 * Wraps an Embedder with an in-memory LRU cache of at most `maxEntries` texts and `maxBytes`
 * bytes (texts plus vectors: an entry count alone let 6k long CJK prompts hold 260 MB). Misses of one
 * call go to the inner embedder as one batch, and a text already being embedded by another
 * call waits for that call instead of asking again. A failed call caches nothing.
 * Returned vectors are shared with the cache: callers must not modify them.
 */
export function createCachedEmbedder(inner: Embedder, options: { maxEntries?: number; maxBytes?: number } = {}): CachedEmbedder {
  const maxEntries = options.maxEntries ?? 10_000;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`);
  const maxBytes = options.maxBytes ?? DEFAULT_CACHE_MAX_BYTES;
  const stats: CacheStats = { hits: 0, misses: 0, evictions: 0 };
  // lru-cache (docs/development.md, design notes: half the time of a Map re-inserted on each hit), bounded by count and bytes.
  const cache = new LRUCache<string, Float32Array>({
    max: maxEntries,
    maxSize: maxBytes,
    // An entry alone over the bound is still kept: the caller is about to use it.
    maxEntrySize: Number.MAX_SAFE_INTEGER,
    sizeCalculation: (vector, text) => cacheEntryBytes(text, vector),
    dispose: (_vector, _text, reason) => {
      if (reason === 'evict') stats.evictions++;
    },
  });
  const pending = new Map<string, Promise<Float32Array>>();

  function remember(text: string, vector: Float32Array): void {
    cache.set(text, vector);
  }

  function lookup(text: string): Float32Array | undefined {
    return cache.get(text);
  }

  return {
    id: inner.id,
    dim: inner.dim,
    get size() {
      return cache.size;
    },
    get bytes() {
      return cache.calculatedSize;
    },
    stats,
    peek: lookup,
    async embed(texts) {
      const results: Array<Float32Array | Promise<Float32Array>> = new Array(texts.length);
      const missing: string[] = [];
      const waiters = new Map<string, { resolve: (v: Float32Array) => void; reject: (e: unknown) => void }>();
      texts.forEach((text, i) => {
        const cached = lookup(text);
        if (cached !== undefined) {
          stats.hits++;
          results[i] = cached;
          return;
        }
        const inFlight = pending.get(text);
        if (inFlight !== undefined) {
          stats.hits++;
          results[i] = inFlight;
          return;
        }
        stats.misses++;
        const promise = new Promise<Float32Array>((resolve, reject) => waiters.set(text, { resolve, reject }));
        // Nobody else may be waiting on it; avoid an unhandled rejection when the call fails.
        promise.catch(() => undefined);
        pending.set(text, promise);
        missing.push(text);
        results[i] = promise;
      });
      if (missing.length > 0) {
        try {
          const vectors = await inner.embed(missing);
          if (vectors.length !== missing.length) {
            throw new RouterError(`embedder ${inner.id} returned ${vectors.length} vectors for ${missing.length} texts`);
          }
          missing.forEach((text, i) => {
            const vector = vectors[i]!;
            pending.delete(text);
            remember(text, vector);
            waiters.get(text)!.resolve(vector);
          });
        } catch (error) {
          for (const text of missing) {
            pending.delete(text);
            waiters.get(text)!.reject(error);
          }
          throw error;
        }
      }
      return Promise.all(results);
    },
  };
}
