/**
 * Hashed word n-gram features: the prompt lower-cased and split into runs of letters/digits and
 * single punctuation marks; every unigram and bigram hashed (FNV-1a over UTF-16 code units) into
 * one of `buckets` slots. Microseconds a prompt, no vocabulary file: the hashing trick.
 */
export const LEXICAL_FEATURES_ID = 'word-1-2-fnv1a:v1';

const TOKEN = /[a-z0-9]+|[^\sa-z0-9]/g;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function fnv1a(text: string, seed: number = FNV_OFFSET): number {
  let h = seed;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h >>> 0;
}

/** The space between a bigram's two words, hashed as if the bigram were one string. */
const SPACE = 0x20;

function bucketOf(hash: number, mask: number): number {
  // Fold the high bits in: FNV's low bits alone mix poorly.
  return ((hash >>> 16) ^ hash) & mask;
}

/** Bucket -> count of the prompt's unigrams and bigrams. `buckets` must be a power of two. */
export function countBuckets(prompt: string, buckets: number): Map<number, number> {
  const mask = buckets - 1;
  const counts = new Map<number, number>();
  const add = (b: number) => counts.set(b, (counts.get(b) ?? 0) + 1);
  let previous: number | undefined;
  for (const match of prompt.toLowerCase().matchAll(TOKEN)) {
    const word = match[0];
    const unigram = fnv1a(word);
    add(bucketOf(unigram, mask));
    if (previous !== undefined) add(bucketOf(fnv1a(word, Math.imul(previous ^ SPACE, FNV_PRIME) >>> 0), mask));
    previous = unigram;
  }
  return counts;
}

/** A sparse, L2-normalised feature vector. */
export interface SparseVector {
  readonly indices: Int32Array;
  readonly values: Float32Array;
}

/**
 * TF-IDF features: log(1 + count) times the bucket's idf, scaled to unit length, so long and
 * short prompts are comparable. Buckets come out in ascending order.
 */
export function lexicalVector(prompt: string, idf: Float32Array): SparseVector {
  const counts = countBuckets(prompt, idf.length);
  const indices = Int32Array.from(counts.keys()).sort();
  const values = new Float32Array(indices.length);
  let norm = 0;
  for (let i = 0; i < indices.length; i++) {
    const v = Math.log1p(counts.get(indices[i]!)!) * idf[indices[i]!]!;
    values[i] = v;
    norm += v * v;
  }
  if (norm > 0) {
    const scale = 1 / Math.sqrt(norm);
    for (let i = 0; i < values.length; i++) values[i]! *= scale;
  }
  return { indices, values };
}

/** Smoothed inverse document frequency, as scikit-learn's: ln((n + 1) / (df + 1)) + 1. */
export function inverseDocumentFrequency(prompts: readonly string[], buckets: number): Float32Array {
  const df = new Float64Array(buckets);
  for (const prompt of prompts) for (const bucket of countBuckets(prompt, buckets).keys()) df[bucket]! += 1;
  const idf = new Float32Array(buckets);
  for (let b = 0; b < buckets; b++) idf[b] = Math.log((prompts.length + 1) / (df[b]! + 1)) + 1;
  return idf;
}
