import { describe, expect, it } from 'vitest';
import { createRandomRouter } from '../../../src/core/index.js';
import type { BenchmarkData } from '../../../src/eval/benchmarks/benchmark-data.js';
import { loadMmlu } from '../../../src/eval/benchmarks/mmlu.js';
import { hashSplitHalf } from '../../../src/eval/choose-split.js';
import { loadMtBench } from '../../../src/eval/benchmarks/mt-bench.js';
import { evaluateRouters } from '../../../src/eval/evaluate-routers.js';
import { modelScore } from '../../../src/eval/metrics/paired-scores.js';
import { sharedRoutellmData } from '../helpers/shared-data.js';

const data = sharedRoutellmData();
const models = { strongModel: 'gpt-4-1106-preview', weakModel: 'mistralai/Mixtral-8x7B-Instruct-v0.1' };

/** The random baseline as `routellm eval` runs it: 10 seeded runs, 10 bins. */
async function randomBaseline(benchmark: BenchmarkData) {
  const report = await evaluateRouters({
    benchmark,
    numResults: 10,
    routers: [{ name: 'random', runs: 10, build: async (run) => createRandomRouter({ seed: run }), openCache: async () => undefined }],
  });
  return report.routers[0]!.metrics;
}

describe.skipIf(data === undefined)('reproduces the Python RouteLLM figures on the shared data', () => {
  it('MT-Bench: 72 questions, GPT-4 9.212, Mixtral 8.281; random APGR ~0.5, CPT(50%) ~50%', async () => {
    const benchmark = await loadMtBench({ dataDir: data!, ...models });
    expect(benchmark.prompts).toHaveLength(72);
    expect(modelScore(benchmark.scores, 'strong').toFixed(3)).toBe('9.212');
    expect(modelScore(benchmark.scores, 'weak').toFixed(3)).toBe('8.281');
    const random = await randomBaseline(benchmark);
    expect(random.apgr).toBeGreaterThanOrEqual(0.47);
    expect(random.apgr).toBeLessThanOrEqual(0.53);
    expect(random.cpt50).toBeGreaterThanOrEqual(45);
    expect(random.cpt50).toBeLessThanOrEqual(55);
    // Commercial routers: published points, and the plain mean of the shipped judgements.
    expect(benchmark.commercial.map((point) => [point.name, point.score, point.strongPct])).toEqual([
      ['unify', 8.757862, 45.625],
      ['martian', 8.3125, 50],
    ]);
    expect(benchmark.commercial[0]!.fileMean!.toFixed(3)).toBe('8.697');
    expect(benchmark.commercial[1]!.fileMean!.toFixed(4)).toBe('8.3125');
  });

  it('MMLU: 14,037 prompts, GPT-4 80.59%, Mixtral 68.09%; random APGR ~0.5, CPT(50%) ~50%', async () => {
    const benchmark = await loadMmlu({ dataDir: data!, ...models });
    expect(benchmark.prompts).toHaveLength(14_037);
    expect(modelScore(benchmark.scores, 'strong').toFixed(2)).toBe('80.59');
    expect(modelScore(benchmark.scores, 'weak').toFixed(2)).toBe('68.09');
    const random = await randomBaseline(benchmark);
    expect(random.apgr).toBeGreaterThanOrEqual(0.47);
    expect(random.apgr).toBeLessThanOrEqual(0.53);
    expect(random.cpt50).toBeGreaterThanOrEqual(45);
    expect(random.cpt50).toBeLessThanOrEqual(55);
  });

  it('MMLU halves of the hash split partition the decontaminated prompts', async () => {
    const train = hashSplitHalf(await loadMmlu({ dataDir: data!, ...models }), 'train');
    const evalHalf = hashSplitHalf(await loadMmlu({ dataDir: data!, ...models }), 'eval');
    expect(train.prompts.length + evalHalf.prompts.length).toBe(14_037);
    expect(train.prompts.length).toBeGreaterThan(6_500);
    expect(evalHalf.prompts.length).toBeGreaterThan(6_500);
    const trainSet = new Set(train.prompts);
    expect(evalHalf.prompts.some((prompt) => trainSet.has(prompt))).toBe(false);
  });
});
