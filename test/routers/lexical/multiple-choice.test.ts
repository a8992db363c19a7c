import { describe, expect, it } from 'vitest';
import { isMultipleChoice } from '../../../src/routers/lexical/multiple-choice.js';

describe('isMultipleChoice', () => {
  it.each([
    ['MMLU style', 'What is 2 + 2?\nA. 3\nB. 4\nC. 5\nD. 6\nAnswer:'],
    ['RouterBench style', 'Pick one.\nA) The Sun\nB) The Moon\nAnswer:'],
    ['parenthesised, indented', 'Which is larger?\n  (A) 7\n  (B) 9'],
    ['colon', 'Choose:\nA: red\nB: blue'],
  ])('recognises options A and B on their own lines (%s)', (_, prompt) => {
    expect(isMultipleChoice(prompt)).toBe(true);
  });

  it.each([
    ['open question', 'Write a haiku about autumn.'],
    ['lettered data list in lower case', 'Extract the capitals:\na) Paris is in France.\nb) Rome is in Italy.'],
    ['only option A', 'Note:\nA. remember this'],
    ['letters inside a line', 'Is it A. or B. that you meant?'],
    ['empty', ''],
  ])('does not fire on other prompts (%s)', (_, prompt) => {
    expect(isMultipleChoice(prompt)).toBe(false);
  });
});
