import type { Embedder } from './embedder.js';
import { UseTokenizer, type UseVocabEntry } from './use-tokenizer.js';

/** Id of the static embedder; part of the fingerprint of every weight file trained over it. */
export const USE_STATIC_EMBEDDER_ID = 'use-static:v1';

/** What the static embedder is made of: the USE lite vocabulary and its token embedding table. */
export interface UseStaticAssets {
  readonly vocabulary: readonly UseVocabEntry[];
  /** Row-major `rows x dim` token embeddings (`module/Embeddings_en` of the USE lite graph). */
  readonly table: Float32Array;
  readonly rows: number;
  readonly dim: number;
}

/** An Embedder that also exposes its token ids, for routers that precompute per-token scores. */
export interface UseStaticEmbedder extends Embedder {
  readonly tokenizer: UseTokenizer;
  readonly assets: UseStaticAssets;
  /** The synchronous core of `embed`, for one text. */
  embedOne(text: string): Float32Array;
}

/**
 * The fast offline embedder: the Universal Sentence Encoder lite's own SentencePiece tokenizer and
 * token embedding table, mean-pooled — no transformer. A 500-character prompt embeds in well under
 * a millisecond, and the vectors keep the table's semantics (words of one topic sit together),
 * which is what lets a router trained on MMLU questions generalise to chat prompts better than
 * hashed n-grams do. Texts with no tokens embed to the zero vector.
 */
export function createUseStaticEmbedder(assets: UseStaticAssets): UseStaticEmbedder {
  const { table, rows, dim } = assets;
  if (table.length !== rows * dim) {
    throw new RangeError(`token table has ${table.length} values, expected ${rows} x ${dim}`);
  }
  const tokenizer = new UseTokenizer(assets.vocabulary);
  const embedOne = (text: string): Float32Array => {
    const out = new Float32Array(dim);
    const ids = tokenizer.encode(text);
    let used = 0;
    for (const id of ids) {
      if (id >= rows) continue;
      const base = id * dim;
      for (let k = 0; k < dim; k++) out[k]! += table[base + k]!;
      used++;
    }
    if (used > 0) for (let k = 0; k < dim; k++) out[k]! /= used;
    return out;
  };
  return {
    id: USE_STATIC_EMBEDDER_ID,
    dim,
    tokenizer,
    assets,
    embedOne,
    embed: async (texts) => texts.map(embedOne),
  };
}
