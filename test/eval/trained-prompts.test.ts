import { describe, expect, it } from 'vitest';
import { parseTrainedPrompts, trainedPromptsLine, unionTrainedPrompts } from '../../src/eval/trained-prompts.js';

describe('trained prompts in a model card', () => {
  it('round-trips through the card line, hidden from rendered Markdown, answering membership only', () => {
    const trained = Array.from({ length: 500 }, (_, i) => `trained prompt ${i}`);
    const line = trainedPromptsLine([...trained, trained[0]!]);
    expect(line).toMatch(/^<!-- routellm:trained-prompts sha1-32 500 [A-Za-z0-9+/=]+ -->$/);
    // No prompt text in the card.
    expect(line).not.toContain('trained prompt');
    const parsed = parseTrainedPrompts(`# a card\n\nsome text\n\n${line}\n`)!;
    expect(trained.every((prompt) => parsed.has(prompt))).toBe(true);
    expect(Array.from({ length: 500 }, (_, i) => `held-out prompt ${i}`).some((prompt) => parsed.has(prompt))).toBe(false);
  });

  it('a card without the line, or with a line that does not decode, declares nothing', () => {
    expect(parseTrainedPrompts('# old card\n')).toBeUndefined();
    expect(parseTrainedPrompts('<!-- routellm:trained-prompts sha1-32 3 AAAA -->')).toBeUndefined();
  });

  it('a router of several trained parts was trained on the union', () => {
    const a = parseTrainedPrompts(trainedPromptsLine(['x']))!;
    const b = parseTrainedPrompts(trainedPromptsLine(['y']))!;
    const both = unionTrainedPrompts([a, b])!;
    expect([both.has('x'), both.has('y'), both.has('z')]).toEqual([true, true, false]);
    expect(unionTrainedPrompts([])).toBeUndefined();
  });
});
