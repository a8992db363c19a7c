import { describe, expect, it } from 'vitest';
import { RouterError } from '../../../src/core/index.js';
import { numpyInterp } from '../../../src/eval/metrics/interp.js';
import { lexicalVector } from '../../../src/routers/lexical/lexical-features.js';
import { lexicalWinRate, rawProbability, sigmoid, validateLexicalModel, type LexicalModel } from '../../../src/routers/lexical/lexical-model.js';

const buckets = 256;
function model(overrides: Partial<LexicalModel> = {}): LexicalModel {
  return { buckets, weights: new Float32Array(buckets), idf: new Float32Array(buckets).fill(1), bias: 0, alignment: null, ...overrides };
}

describe('lexical model', () => {
  it('interpolates piecewise-linearly and stays flat beyond the table', () => {
    const xs = Float64Array.from([0.2, 0.4, 0.8]);
    const ys = Float64Array.from([0.1, 0.3, 0.5]);
    expect(numpyInterp(0, xs, ys)).toBe(0.1);
    expect(numpyInterp(0.3, xs, ys)).toBeCloseTo(0.2, 12);
    expect(numpyInterp(0.6, xs, ys)).toBeCloseTo(0.4, 12);
    expect(numpyInterp(0.4, xs, ys)).toBe(0.3);
    expect(numpyInterp(1, xs, ys)).toBe(0.5);
    // A flat stretch of raw quantiles (ties) maps to its upper end rather than dividing by zero.
    expect(numpyInterp(0.5, Float64Array.from([0, 0.5, 0.5, 1]), Float64Array.from([0, 0.2, 0.6, 1]))).toBe(0.6);
  });

  it('scores sigmoid(w . x + b) and maps it through the alignment when it has one', () => {
    const prompt = 'integral of x';
    const x = lexicalVector(prompt, model().idf);
    const weights = new Float32Array(buckets);
    for (const i of x.indices) weights[i] = 2;
    const m = model({ weights, bias: -0.5 });
    const expected = sigmoid(2 * x.values.reduce((a, b) => a + b, 0) - 0.5);
    expect(rawProbability(m, prompt)).toBeCloseTo(expected, 6);
    expect(lexicalWinRate(m, prompt)).toBe(rawProbability(m, prompt));
    const aligned = { ...m, alignment: { router: 'mf', raw: Float64Array.from([0, 1]), aligned: Float64Array.from([0, 0.5]) } };
    expect(lexicalWinRate(aligned, prompt)).toBeCloseTo(expected / 2, 6);
    expect(rawProbability(m, 'nothing in common')).toBeCloseTo(sigmoid(-0.5), 6);
  });

  it.each([
    ['buckets not a power of two', { buckets: 100 }, /power of two/],
    ['weights of the wrong length', { weights: new Float32Array(3) }, /"weights" has 3 values/],
    ['idf of the wrong length', { idf: new Float32Array(3) }, /"idf" has 3 values/],
    ['a non-finite bias', { bias: Number.NaN }, /bias/],
    ['a descending alignment', { alignment: { router: 'mf', raw: Float64Array.from([0.5, 0.4]), aligned: Float64Array.from([0.1, 0.2]) } }, /ascending/],
    ['alignment outside [0, 1]', { alignment: { router: 'mf', raw: Float64Array.from([0, 1]), aligned: Float64Array.from([0, 2]) } }, /\[0, 1\]/],
  ])('rejects %s with a RouterError naming the file', (_, overrides, message) => {
    const run = () => validateLexicalModel(model(overrides as Partial<LexicalModel>), 'w.safetensors');
    expect(run).toThrow(RouterError);
    expect(run).toThrow(message);
    expect(run).toThrow(/^w\.safetensors: /);
  });
});
