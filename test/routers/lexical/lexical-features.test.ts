import { describe, expect, it } from 'vitest';
import { countBuckets, inverseDocumentFrequency, lexicalVector } from '../../../src/routers/lexical/lexical-features.js';

const ones = (n: number) => new Float32Array(n).fill(1);

describe('hashed word n-gram features', () => {
  it('count one unigram per word and one bigram per adjacent pair, ignoring case', () => {
    const counts = countBuckets('The cat. the CAT', 1 << 20);
    // Tokens: the, cat, ., the, cat -> unigrams {the:2, cat:2, .:1}, bigrams {the cat:2, cat .:1, . the:1}.
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(5 + 4);
    expect(countBuckets('The cat. the CAT', 1 << 20)).toEqual(countBuckets('the cat. the cat', 1 << 20));
    expect([...counts.values()].sort()).toEqual([1, 1, 1, 2, 2, 2]);
  });

  it('tell word order apart through bigrams', () => {
    const a = countBuckets('dog bites man', 1 << 20);
    const b = countBuckets('man bites dog', 1 << 20);
    expect(a.size).toBe(5);
    const shared = [...a.keys()].filter((k) => b.has(k));
    expect(shared).toHaveLength(3); // the three unigrams
  });

  it('give a unit-length vector with sorted buckets, and an empty one for an empty prompt', () => {
    const v = lexicalVector('Which of the following is a prime number?', ones(1024));
    expect(Math.hypot(...v.values)).toBeCloseTo(1, 6);
    expect([...v.indices]).toEqual([...v.indices].sort((x, y) => x - y));
    expect(v.indices.every((i) => i >= 0 && i < 1024)).toBe(true);
    const empty = lexicalVector('   ', ones(1024));
    expect(empty.indices).toHaveLength(0);
    expect(empty.values).toHaveLength(0);
  });

  it('weight words by smoothed idf worked by hand: ln((n + 1) / (df + 1)) + 1', () => {
    const buckets = 1 << 20;
    const idf = inverseDocumentFrequency(['alpha beta', 'alpha gamma', 'alpha delta'], buckets);
    const [alpha] = countBuckets('alpha', buckets).keys();
    const [beta] = countBuckets('beta', buckets).keys();
    expect(idf[alpha!]).toBeCloseTo(Math.log(4 / 4) + 1, 6);
    expect(idf[beta!]).toBeCloseTo(Math.log(4 / 2) + 1, 6);
    const [unseen] = countBuckets('omega', buckets).keys();
    expect(idf[unseen!]).toBeCloseTo(Math.log(4 / 1) + 1, 6);
    // With a rare word and a common one, once each, the rare one weighs more.
    const v = lexicalVector('alpha beta', idf);
    const weight = (b: number) => v.values[[...v.indices].indexOf(b)]!;
    expect(weight(beta!)).toBeGreaterThan(weight(alpha!));
  });
});
