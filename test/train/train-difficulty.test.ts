import { describe, expect, it } from 'vitest';
import { STRUCTURE_FEATURE_NAMES } from '../../src/routers/difficulty/structure-features.js';
import { PRIOR_ONLY_FEATURES, TASK_PRIOR } from '../../src/routers/difficulty/task-prior.js';
import { DEFAULT_DIFFICULTY_TRAIN_OPTIONS, trainDifficulty } from '../../src/train/train-difficulty.js';
import { seededRandom } from '../../src/train/seeded-random.js';

describe('trainDifficulty', () => {
  it('learns the other features but gives the prior-only features no weight, even when they predict the target', () => {
    const structure = STRUCTURE_FEATURE_NAMES.length;
    const dim = structure + 4;
    const rows = 400;
    const rng = seededRandom(3);
    const hard = STRUCTURE_FEATURE_NAMES.indexOf('formal_math');
    const words = STRUCTURE_FEATURE_NAMES.indexOf('words');
    const features = new Float32Array(rows * dim);
    const targets = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < dim; j++) features[r * dim + j] = rng.normal();
      const asks = r % 2;
      features[r * dim + hard] = asks;
      // The target follows both the prior's flag and a learnable feature.
      targets[r] = asks ? 0.9 : 0.1;
      features[r * dim + words] = targets[r]! * 3 + rng.normal() * 0.1;
    }
    const model = trainDifficulty({ features, dim, targets, sources: new Int32Array(rows), sourceCount: 1 }, { ...DEFAULT_DIFFICULTY_TRAIN_OPTIONS, maxIterations: 100 });
    for (const name of PRIOR_ONLY_FEATURES) {
      const i = STRUCTURE_FEATURE_NAMES.indexOf(name);
      expect(i, name).toBeGreaterThanOrEqual(0);
      expect(model.weights[i], name).toBe(0);
    }
    for (const name of Object.keys(TASK_PRIOR)) expect(model.prior[STRUCTURE_FEATURE_NAMES.indexOf(name)], name).toBe(Math.fround(TASK_PRIOR[name]!));
    expect(model.weights[words]).toBeGreaterThan(0.5);
    expect(model.priorWeight).toBe(DEFAULT_DIFFICULTY_TRAIN_OPTIONS.priorWeight);
  });
});
