import { describe, expect, it } from 'vitest';
import { parseVerdict } from '../../src/label/parse-verdict.js';
import { winnerForScore } from '../../src/label/winner-rule.js';

describe('parseVerdict', () => {
  it.each([
    ['The answer is right.\n\n[[5]]', 5, 'brackets'],
    ['[[ 3 ]]', 3, 'brackets'],
    ['Rating: [[4/5]]', 4, 'brackets'],
    ['[[4.5]]', 4, 'brackets'],
    ['**[[2]]**', 2, 'brackets'],
    ['Format: "[[rating]]", e.g. [[1]]. Mine: [[4]]', 4, 'brackets'],
    ['Rating: 3', 3, 'labelled'],
    ['**Score:** 5/5 because it is complete', 5, 'labelled'],
    ['It cites [1] and is close to the reference. [4]', 4, 'single-brackets'],
    ['2', 2, 'bare'],
    [' 5. ', 5, 'bare'],
  ])('reads %j as %i (%s)', (text, score, form) => {
    expect(parseVerdict(text)).toEqual({ score, form });
  });

  it.each([
    ['', 'the judge answered nothing'],
    ['A fine answer overall.', 'no [[1-5]] rating in the judge answer'],
    ['As shown in [1], the answer is incomplete.', 'no [[1-5]] rating in the judge answer'],
    ['[[0]]', "the judge's rating [[0]] is outside 1-5"],
    ['Rating: [[10]]', "the judge's rating [[10]] is outside 1-5"],
  ])('finds no verdict in %j', (text, reason) => {
    expect(parseVerdict(text)).toEqual({ score: undefined, reason });
  });
});

describe('winnerForScore', () => {
  it("routellm: 4 and 5 are the weak model's wins (model_b), 1-3 the strong model's", () => {
    expect([1, 2, 3, 4, 5].map((s) => winnerForScore(s, 'routellm'))).toEqual(['model_a', 'model_a', 'model_a', 'model_b', 'model_b']);
  });
  it('three-way: 3 is a tie', () => {
    expect([1, 2, 3, 4, 5].map((s) => winnerForScore(s, 'three-way'))).toEqual(['model_a', 'model_a', 'tie', 'model_b', 'model_b']);
  });
});
