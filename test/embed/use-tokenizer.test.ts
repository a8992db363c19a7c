import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EmbeddingsModel } from '@energetic-ai/embeddings';
import { describe, expect, it } from 'vitest';
import { useModelDir } from '../../src/embed/load-use-assets.js';
import { UseTokenizer, type UseVocabEntry } from '../../src/embed/use-tokenizer.js';

const vocabulary = JSON.parse(await readFile(join(useModelDir(), 'vocab.json'), 'utf8')) as UseVocabEntry[];
// The reference: the tokenizer inside @energetic-ai/embeddings (the TensorFlow.js port), built without a graph.
const reference = new EmbeddingsModel({ vocabulary: vocabulary as Array<[string, number]>, model: null as never }).tokenizer;
const ours = new UseTokenizer(vocabulary);

describe('UseTokenizer', () => {
  it.each([
    'hello world',
    'Prove that there are infinitely many primes.',
    '  double  spaces and trailing  ',
    'Ünïcödé café naïve — “quotes” ½ ﬁ ligature',
    'def f(x):\n    return x**2  # code\t\ttabs',
    '日本語のテキストと emoji 🙂🙂 mixed',
    '$$\\int_0^1 x^2 dx = 1/3$$',
    '',
  ])('matches the TensorFlow.js port on %j', (text) => {
    expect(ours.encode(text)).toEqual(reference.encode(text));
  });
});
