import { describe, expect, it } from 'vitest';
import { requestForm, requestText } from '../../../src/routers/difficulty/request-form.js';

const form = (prompt: string) => requestForm(prompt);

describe('requestForm', () => {
  it('reads a request for new reasoning where a request starts', () => {
    for (const prompt of [
      'Prove that every group of order 255 is cyclic.',
      'Is 1000003 prime? Prove it.',
      'State and prove the Gibbard–Satterthwaite theorem.',
      'Can you design a rate limiter for 10M requests/s?',
      'We use Postgres.\n\n1. Optimise the query below\n2. Explain the plan',
      'Diseña un algoritmo de flujo máximo.',
      '请证明根号2是无理数。',
    ]) {
      expect(form(prompt), prompt).toMatchObject({ hard: 1, easy: 0 });
    }
  });

  it('reads a request to transform given text or for a short creative piece', () => {
    for (const prompt of [
      'Translate "good morning" to French.',
      'Please correct the spelling: "I recieved your leter".',
      'Turn these notes into a bulleted list:\n\nmilk, eggs',
      'Could you summarise this email in two sentences?',
      'Write a haiku about autumn leaves.',
      'Act as a travel agent and suggest a weekend in Rome.',
      "Corrige les fautes d'orthographe dans ce texte.",
      'Übersetze diesen Satz ins Englische.',
      '请把“谢谢你的帮助”翻译成英文。',
    ]) {
      expect(form(prompt), prompt).toMatchObject({ hard: 0, easy: 1 });
    }
  });

  it('does not fire on topic words: stories, answer options, code, nouns', () => {
    for (const prompt of [
      'Tom wants to build a fence and list the posts he needs. He has 12 + 8 posts. How many more?',
      'Which is a marketing step?\nA. Design marketing strategy\nB. Correct the budget',
      'def mean(numbers: List[float]) -> float:\n    """ Sort the list, then return its mean. """',
      'from typing import List\n\ndef common(l1: list, l2: list):',
      'You find people studying art and design at the institute.',
      'The proof of the theorem is long. It was translated into French in 1950.',
      '这本书被严复翻译成中文。',
    ]) {
      expect(form(prompt), prompt).toMatchObject({ hard: 0, easy: 0 });
    }
  });

  it('marks formal mathematical notation, not arithmetic in words, money or "a(n)"', () => {
    for (const prompt of ['Find all f: R→R with f(x+y) = f(x) + f(y).', 'Solve x^2 - 2y^2 = 1.', 'Factor a^n - b^n.', 'Compute $\\frac{1}{2}$.', 'Sort in O(n log n).']) {
      expect(form(prompt).formal, prompt).toBe(1);
    }
    for (const prompt of ['Sam has 5 apples and buys 3 more. How many does he have?', 'It costs $5 and $10.', 'Answer with a(n) adjective.', 'A well-known 12-year-old']) {
      expect(form(prompt).formal, prompt).toBe(0);
    }
  });
});

describe('requestText', () => {
  it('drops fenced code and indented lines, keeps the rest', () => {
    expect(requestText('Fix this:\n```\nsort(xs)\n```\nThanks').trim()).toBe('Fix this:\n\n\nThanks'.trim());
    expect(requestText('def f():\n    """Sort it."""\n  return 1\nDone')).toBe('def f():\n\n\nDone');
  });
});
