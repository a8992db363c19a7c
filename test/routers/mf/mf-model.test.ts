import { describe, expect, it } from 'vitest';
import { modelScores, pairDirection, validateMfModel, winRate, type MfModel } from '../../../src/routers/mf/mf-model.js';

// Worked by hand: P = [[3, 4], [1, 0]] normalises to [0.6, 0.8] and [1, 0]; A = I; c = [1, 2].
// For x = [1, 1]: A x = [1, 1]; score0 = 1*0.6 + 2*0.8 = 2.2; score1 = 1*1 + 2*0 = 1.
// Win rate of model 0 over model 1 = sigmoid(1.2) = 0.7685247834990175.
// Folded direction = Aᵀ (c ⊙ (p̂0 - p̂1)) = [1 * -0.4, 2 * 0.8] = [-0.4, 1.6].
const tiny: MfModel = {
  modelNames: ['strong', 'weak'],
  dim: 2,
  textDim: 2,
  P: Float32Array.from([3, 4, 1, 0]),
  textProj: Float32Array.from([1, 0, 0, 1]),
  classifier: Float32Array.from([1, 2]),
};

describe('mf maths', () => {
  it('scores each model as classifier · (normalised P ⊙ projected prompt)', () => {
    const scores = modelScores(tiny, Float32Array.from([1, 1]));
    expect(scores[0]).toBeCloseTo(2.2, 6);
    expect(scores[1]).toBeCloseTo(1, 6);
  });

  it('folds a pair into one direction and gives sigmoid(score difference)', () => {
    const direction = pairDirection(tiny, 0, 1);
    expect(Array.from(direction)).toEqual([expect.closeTo(-0.4, 6), expect.closeTo(1.6, 6)]);
    expect(winRate(direction, Float32Array.from([1, 1]))).toBeCloseTo(0.7685247834990175, 6);
    // Swapping the pair gives the complement.
    expect(winRate(pairDirection(tiny, 1, 0), Float32Array.from([1, 1]))).toBeCloseTo(1 - 0.7685247834990175, 6);
  });

  it('agrees with the unfolded forward pass on a non-square projection', () => {
    const model: MfModel = {
      modelNames: ['a', 'b', 'c'],
      dim: 2,
      textDim: 3,
      P: Float32Array.from([1, 2, -1, 0.5, 0.3, -2]),
      textProj: Float32Array.from([0.1, -0.2, 0.3, 0.5, 0.4, -0.6]),
      classifier: Float32Array.from([0.7, -1.1]),
    };
    const x = Float32Array.from([0.2, -1.3, 0.8]);
    const scores = modelScores(model, x);
    const expected = 1 / (1 + Math.exp(-(scores[2]! - scores[0]!)));
    expect(winRate(pairDirection(model, 2, 0), x)).toBeCloseTo(expected, 6);
  });

  it('works without a text projection when dim equals text_dim (use_proj false)', () => {
    const model = { ...tiny, textProj: null };
    expect(winRate(pairDirection(model, 0, 1), Float32Array.from([1, 1]))).toBeCloseTo(0.7685247834990175, 6);
  });

  it('rejects arrays that do not match the dimensions, and embeddings of the wrong length', () => {
    expect(() => validateMfModel({ ...tiny, classifier: Float32Array.from([1]) }, 'w.safetensors')).toThrow(
      'w.safetensors: classifier has 1 values, expected 2',
    );
    expect(() => validateMfModel({ ...tiny, P: Float32Array.from([1, Number.NaN, 0, 1]) }, 'w')).toThrow('NaN');
    expect(() => winRate(pairDirection(tiny, 0, 1), Float32Array.from([1, 1, 1]))).toThrow(/3 dimensions but the mf weights expect 2/);
  });
});
