import { describe, expect, it } from 'vitest';
import { focusText } from '../../../src/routers/difficulty/focus-text.js';
import { contentCount, STRUCTURE_FEATURE_NAMES, structureFeatures } from '../../../src/routers/difficulty/structure-features.js';

const feature = (prompt: string, name: string) => structureFeatures(prompt, prompt, false)[STRUCTURE_FEATURE_NAMES.indexOf(name)]!;

describe('focusText', () => {
  it('keeps what follows the last answered example of a few-shot prompt', () => {
    const prompt = 'Q1?\nA) x\nB) y\nAnswer:\nA\n\nQ2?\nA) x\nB) y\nAnswer: B\n\nWhich gas is most of Mars?\nA) CO2\nB) N2\nAnswer:';
    expect(focusText(prompt)).toEqual({ text: 'Which gas is most of Mars?\nA) CO2\nB) N2\nAnswer:', fewShot: true });
  });

  it('leaves a prompt without answered examples, or ending in one, whole', () => {
    expect(focusText('Prove that 2 is prime.')).toEqual({ text: 'Prove that 2 is prime.', fewShot: false });
    expect(focusText('Q?\nAnswer: A\n\n  ')).toEqual({ text: 'Q?\nAnswer: A\n\n  ', fewShot: false });
  });
});

describe('structureFeatures', () => {
  it('is finite for any input, the empty string and emoji included', () => {
    for (const text of ['', ' ', '🙂', '???', '\n\n', 'a'.repeat(9000), '中文问题']) {
      const v = structureFeatures(text, text, false);
      expect(v).toHaveLength(STRUCTURE_FEATURE_NAMES.length);
      expect(v.every(Number.isFinite), JSON.stringify(text)).toBe(true);
    }
  });

  it('counts what the task asks for, numbers, operators and code', () => {
    expect(feature('Prove that every planar graph is 5-colourable.', 'asks_proof')).toBeGreaterThan(0);
    expect(feature('Please fix the spelling in this paragraph.', 'asks_rewrite')).toBeGreaterThan(0);
    expect(feature('Please fix the spelling in this paragraph.', 'asks_proof')).toBe(0);
    expect(feature('x = 3 + 4 * y', 'math_operators')).toBeGreaterThan(0);
    expect(feature('```\ndef f():\n    return 1\n```', 'code_fence')).toBe(1);
    expect(feature('Which?\nA. one\nB. two', 'multiple_choice')).toBe(1);
    expect(feature('请把这句话翻译成英文', 'cjk_share')).toBeGreaterThan(0.9);
  });
});

describe('contentCount', () => {
  it('counts words of two or more letters and numbers, nothing for punctuation or emoji', () => {
    expect(contentCount('thanks')).toBe(1);
    expect(contentCount('🙂 !!! ?')).toBe(0);
    expect(contentCount('Is 1000003 prime? Prove it.')).toBe(5);
  });
});
