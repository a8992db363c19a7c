import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelListRouting, type ListPrior, type ModelEntry, type ModelScorer } from '../../../src/core/index.js';
import { readListPrior } from '../../../src/calibrate/list-prior-table.js';
import { mmluSplitOf } from '../../../src/eval/mmlu-split.js';
import { modelScorerFactory } from '../../../src/routers/multi/model-scorers.js';
import { nodeRouterContext } from '../../../src/runtime/node-router-context.js';
import { LIST_PRIOR_SOURCES } from '../../../src/train/write-list-prior-tables.js';
import { readMultiTrainingData } from '../../../src/train/read-multi-training-data.js';
import { firstRequestShares } from '../../helpers/list-share-first-requests.js';
import { loadSanitySet } from '../../helpers/sanity-set.js';
import { sharedDatasets } from '../../shares/helpers/drift-stream.js';

// The first requests of router-knn-<share>% over three models priced per request, in a fresh
// window of 200 with the shipped prior (datasets/calibration/list-prior-knn.json) and without it
// (cold), as bench list-share-warm-start measures them: the realised cost share of each random
// order's first 10, 50 and 200 requests (the bill above the all-cheapest one over the
// all-strongest one's, in dollars), averaged over 20 orders.
const ORDERS = 20;
const FIRST = [10, 50, 200] as const;
const SHARES = [0.3, 0.5] as const;
const MODELS: ModelEntry[] = [
  { name: 'mistralai/mistral-7b-chat', price: { input: 0.2, output: 0.2 }, tags: [] },
  { name: 'zero-one-ai/Yi-34B-Chat', price: { input: 0.8, output: 0.8 }, tags: [] },
  { name: 'gpt-4-1106-preview', price: { input: 10, output: 30 }, tags: [] },
];
/**
 * docs/shares.md: a share holds when the realised share is within 3 points of the asked one over
 * the last 1,000 requests, and within 5 over any 500-request window after the first 1,000. The
 * first 50 and 200 requests are judged by the looser of the two, 5 points, on the mean over the orders.
 */
const HOLDS = 0.05;

const data = sharedDatasets();
let scorer: ModelScorer;
let prior: ListPrior;
const mixes: { name: string; prompts: string[] }[] = [];

beforeAll(async () => {
  const context = nodeRouterContext({ env: {} });
  const knn = await (await modelScorerFactory('knn')).create({}, context);
  const read = await readListPrior(knn, context);
  if (read === undefined || typeof read === 'string') throw new Error(`no usable knn prior: ${read}`);
  prior = read;
  const cache = new Map<string, Float64Array>();
  scorer = {
    ...knn,
    scores: async (prompt) => {
      let scores = cache.get(prompt);
      if (!scores) cache.set(prompt, (scores = Float64Array.from(await knn.scores(prompt))));
      return scores;
    },
  };
  // Chat-like: the sanity set's 200 prompts (greetings, chit-chat, translations, proofs, code).
  mixes.push({ name: 'sanity set (chat-like)', prompts: loadSanitySet().map((row) => row.prompt) });
  if (data) {
    // A benchmark mix, like the prior's but never in it: the sha1-odd halves of its three RouterBench files.
    const training = await readMultiTrainingData(LIST_PRIOR_SOURCES.map((path) => join(data, path)), knn.models, new Set());
    mixes.push({ name: 'RouterBench held out', prompts: [...new Set(training.files.flatMap((file) => file.prompts))].filter((prompt) => mmluSplitOf(prompt) === 'eval') });
    // Real chat, the issue's case: Arena-Hard's 500 prompts.
    const arena = readFileSync(join(data, 'arena-hard', 'question.jsonl'), 'utf8');
    mixes.push({ name: 'Arena-Hard chat', prompts: arena.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line).turns[0].content as string) });
  }
}, 120_000);

/** A fresh routing over the three models, as a fresh serve builds it, with these priors. */
const routing = (priors: ReadonlyMap<string, ListPrior>) => () => new ModelListRouting({ models: MODELS, scorers: new Map([['knn', scorer]]), priors });

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

describe('a cost share over a list starts from the prior priced at the live traffic', () => {
  it('holds the asked share over the first 50 and 200 requests of chat and of a benchmark mix, and the prior brings the first 10 closer than a cold start', { timeout: 300_000 }, async () => {
    expect(mixes.length).toBeGreaterThanOrEqual(data ? 3 : 1);
    const lines: string[] = [];
    for (const mix of mixes) {
      for (const share of SHARES) {
        const warm = await firstRequestShares(routing(new Map([['knn', prior]])), mix.prompts, share, FIRST, ORDERS);
        const cold = await firstRequestShares(routing(new Map()), mix.prompts, share, FIRST, ORDERS);
        const at = (runs: number[][], k: number) => runs.map((shares) => shares[k] as number);
        const cell = (runs: number[][], k: number) => `${(mean(at(runs, k)) * 100).toFixed(1)} (${(mean(at(runs, k).map((value) => Math.abs(value - share))) * 100).toFixed(1)})`;
        lines.push(`${mix.name}, asked ${share * 100}%: ${FIRST.map((n, k) => `first ${n} ${cell(warm, k)} / cold ${cell(cold, k)}`).join('; ')}`);
        // From the 50th request on, the share holds (HOLDS).
        for (const k of [1, 2]) expect(Math.abs(mean(at(warm, k)) - share), `${mix.name}, ${share * 100}%, first ${FIRST[k]}: ${cell(warm, k)}`).toBeLessThanOrEqual(HOLDS);
        // Over the first 10 (ten prompts: a cold start is 13-22 points off) what the prior is for:
        // nearer the asked share than cutting the first prompts on themselves. Priced at its own
        // prompts' tokens, it overspent chat instead (Arena-Hard 47.1% at 30%, sanity set 71.1% at 50%).
        expect(mean(at(warm, 0).map((value) => Math.abs(value - share))), `${mix.name}, ${share * 100}%, first 10`).toBeLessThan(mean(at(cold, 0).map((value) => Math.abs(value - share))));
      }
    }
    process.stdout.write(`realised cost share, mean (mean distance from the asked), with the prior / cold:\n${lines.join('\n')}\n`);
  });
});
