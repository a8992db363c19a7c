import { describe, expect, it } from 'vitest';
import { decodeKnnCheckpoint, encodeKnnCheckpoint } from '../../../src/routers/multi/knn-checkpoint.js';
import { knnScores, unitVector, validateKnnModel, type KnnModel } from '../../../src/routers/multi/knn-model.js';

/** Five training prompts in 2-d, two models: model b is right only on prompts along the y axis. */
function model(neighbours: number, priorWeight: number): KnnModel {
  const rows = [[1, 0], [0.9, 0.1], [0, 1], [0.1, 0.9], [0.05, 1]].map((v) => unitVector(v));
  const embeddings = new Float32Array(10);
  rows.forEach((row, i) => embeddings.set(row, i * 2));
  const outcomes = Float32Array.of(1, 0, 1, 0, 1, 1, 0, 1, 1, 1);
  return { models: ['a', 'b'], dim: 2, embeddings, outcomes, neighbours, priorWeight, prior: Float64Array.of(0.8, 0.6) };
}

describe('knn over prompt embeddings', () => {
  it('averages the scores of the most similar training prompts, drawn toward each model\'s mean', () => {
    // Nearest three to the y axis: rows 2, 4, 3 (a: 1, 1, 0; b: 1, 1, 1).
    expect([...knnScores(model(3, 0), Float32Array.of(0, 2))]).toEqual([2 / 3, 1]);
    // Two pseudo-prompts at the means (0.8, 0.6).
    const drawn = knnScores(model(3, 2), Float32Array.of(0, 2));
    expect(drawn[0]).toBeCloseTo((2 + 1.6) / 5, 12);
    expect(drawn[1]).toBeCloseTo((3 + 1.2) / 5, 12);
    // Along x: rows 0, 1 (b wrong on both).
    expect([...knnScores(model(2, 0), Float32Array.of(3, 0))]).toEqual([1, 0]);
    // More neighbours than prompts: all of them.
    expect([...knnScores(model(50, 0), Float32Array.of(3, 0))]).toEqual([0.8, 0.6]);
    expect(() => knnScores(model(2, 0), Float32Array.of(1, 0, 0))).toThrow(/3 dimensions but the knn weights expect 2/);
  });

  it('writes and reads its checkpoint (embeddings as float16)', () => {
    const m = model(3, 2);
    const { weights, config } = encodeKnnCheckpoint(m, [0.001, 0.01]);
    const decoded = decodeKnnCheckpoint(weights, new TextEncoder().encode(config), { weights: 'w', config: 'c' });
    expect(decoded.config.mean_cost_usd).toEqual([0.001, 0.01]);
    expect(decoded.model.models).toEqual(['a', 'b']);
    expect([...decoded.model.prior]).toEqual([0.8, 0.6]);
    const query = Float32Array.of(0.2, 1);
    const [a, b] = knnScores(decoded.model, query);
    expect(a).toBeCloseTo(knnScores(m, query)[0]!, 6);
    expect(b).toBeCloseTo(knnScores(m, query)[1]!, 6);
    const bad = JSON.parse(config);
    expect(() => decodeKnnCheckpoint(weights, new TextEncoder().encode(JSON.stringify({ ...bad, router: 'mf' })), { weights: 'w', config: 'c' })).toThrow(/not "knn"/);
    expect(() => decodeKnnCheckpoint(weights, new TextEncoder().encode(JSON.stringify({ ...bad, features: 'other' })), { weights: 'w', config: 'c' })).toThrow(/this version reads/);
    expect(() => decodeKnnCheckpoint(weights, new TextEncoder().encode(JSON.stringify({ ...bad, mean_cost_usd: [1] })), { weights: 'w', config: 'c' })).toThrow(/one cost/);
    expect(() => validateKnnModel({ ...m, outcomes: Float32Array.of(1) }, 'x')).toThrow(/outcomes hold 1 values/);
    expect(() => validateKnnModel({ ...m, models: ['a', 'a'] }, 'x')).toThrow(/not unique/);
  });
});
