import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { mmluSplitOf } from '../../src/eval/mmlu-split.js';

describe('mmluSplitOf', () => {
  it('puts a prompt in train when the first byte of its sha1 is even', () => {
    // sha1("") = da39a3ee... (0xda even); sha1("abc") = a9993e36... (0xa9 odd).
    expect(mmluSplitOf('')).toBe('train');
    expect(mmluSplitOf('abc')).toBe('eval');
  });

  it('hashes UTF-8 and agrees with node:crypto on many prompts', () => {
    for (let i = 0; i < 200; i += 1) {
      const prompt = `question ${i} — ünïcode ${'x'.repeat(i)}`;
      const even = (createHash('sha1').update(Buffer.from(prompt, 'utf8')).digest()[0] as number) % 2 === 0;
      expect(mmluSplitOf(prompt)).toBe(even ? 'train' : 'eval');
    }
  });
});
