import { describe, expect, it } from 'vitest';
import { boundedRoutingText, Decider, MAX_ROUTING_CHARS, scorePrompts, type Router } from '../../src/core/index.js';

/** A router that reports what it was asked about, as a win rate: the text's length over the bound. */
function lengthRouter(seen: string[]): Router {
  return {
    name: 'length',
    fingerprint: 'length',
    strongWinRate(prompt) {
      seen.push(prompt);
      return Math.min(1, prompt.length / MAX_ROUTING_CHARS);
    },
  };
}

describe('boundedRoutingText', () => {
  it('leaves a prompt up to the bound untouched', () => {
    const text = 'x'.repeat(MAX_ROUTING_CHARS);
    expect(boundedRoutingText(text)).toBe(text);
    expect(boundedRoutingText('')).toBe('');
  });

  it('keeps the head and the tail of a longer prompt, within the bound, and is idempotent', () => {
    const text = `TASK: summarise.\n${'filler '.repeat(100_000)}\nQUESTION: what is the gist?`;
    const bounded = boundedRoutingText(text);
    expect(bounded.length).toBe(MAX_ROUTING_CHARS);
    expect(bounded.startsWith('TASK: summarise.')).toBe(true);
    expect(bounded.endsWith('QUESTION: what is the gist?')).toBe(true);
    expect(boundedRoutingText(bounded)).toBe(bounded);
  });

  it('never splits a surrogate pair at either cut', () => {
    for (const shift of [0, 1]) {
      const text = 'a'.repeat(shift) + '😀'.repeat(MAX_ROUTING_CHARS);
      const bounded = boundedRoutingText(text);
      expect(bounded.length).toBeLessThanOrEqual(MAX_ROUTING_CHARS);
      expect(bounded).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    }
  });
});

describe('routers score the bounded text wherever they are called', () => {
  const huge = 'word '.repeat(2_000_000);

  it('Decider.decide and scorePrompts ask the router about the same bounded text', async () => {
    const seen: string[] = [];
    const router = lengthRouter(seen);
    const controller = new Decider({ pair: { strong: 'big', weak: 'small' }, routers: new Map([['length', router]]) });
    const decision = await controller.decide({ router, threshold: 0.5 }, huge);
    const [batchRate] = await scorePrompts(router, [huge]);
    expect(seen.map((text) => text.length)).toEqual([MAX_ROUTING_CHARS, MAX_ROUTING_CHARS]);
    expect(seen[0]).toBe(seen[1]);
    expect(decision.strongWinRate).toBe(batchRate);
  });
});
