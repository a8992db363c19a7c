import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ModelListRouting, type ListPrior, type ModelEntry, type ModelScorer } from '../src/core/index.js';
import { readListPrior } from '../src/calibrate/list-prior-table.js';
import { mmluSplitOf } from '../src/eval/mmlu-split.js';
import { modelScorerFactory } from '../src/routers/multi/model-scorers.js';
import { nodeRouterContext } from '../src/runtime/node-router-context.js';
import { packageRoot } from '../src/runtime/package-paths.js';
import { LIST_PRIOR_SOURCES } from '../src/train/write-list-prior-tables.js';
import { readMultiTrainingData } from '../src/train/read-multi-training-data.js';
import { firstRequestShares } from '../test/helpers/list-share-first-requests.js';
import { writeBenchSection } from './benchmarks-md.js';

/*
 * How close a fresh serve's first requests of `router-knn-<share>%` over a list come to the asked
 * cost share, with the shipped prior (the window starts full of the router's training prompts)
 * and without it (the window starts empty, as before). Traffic: held-out RouterBench prompts (the
 * sha1-odd halves of its ARC-Challenge, MBPP and Winogrande train files; never in the prior, which
 * holds sha1-even prompts) and Arena-Hard's chat prompts, dealt in a fresh random order per run,
 * each run a fresh ModelListRouting as a fresh serve builds it (window 200). Pure computation.
 */

const RUNS = 20;
const FIRST = [10, 25, 50, 100, 200] as const;
const SHARES = [0.1, 0.3, 0.5] as const;

interface ListCase {
  readonly name: string;
  readonly models: readonly ModelEntry[];
  /** Fixed costs per request (the router's mean cost per training prompt), else each request priced at its tokens. */
  readonly costs?: ArrayLike<number>;
}

export async function runListShareWarmStartBench(data = join(packageRoot(), '..', 'shared', 'datasets')): Promise<void> {
  const context = nodeRouterContext({ env: {} });
  const knn = await (await modelScorerFactory('knn')).create({}, context);
  const cache = new Map<string, Float64Array>();
  const scorer: ModelScorer = {
    ...knn,
    scores: async (prompt) => {
      let scores = cache.get(prompt);
      if (!scores) cache.set(prompt, (scores = Float64Array.from(await knn.scores(prompt))));
      return scores;
    },
  };
  const prior = await readListPrior(knn, context);
  if (prior === undefined || typeof prior === 'string') throw new Error(`no usable list prior for knn: ${prior ?? 'none shipped'}; run npm run calibration:lists`);
  const training = await readMultiTrainingData(LIST_PRIOR_SOURCES.map((path) => join(data, path)), knn.models, new Set());
  const heldOut = [...new Set(training.files.flatMap((file) => file.prompts))].filter((prompt) => mmluSplitOf(prompt) === 'eval');
  // Traffic unlike the prior's: Arena-Hard's 500 real chat prompts (the pair's share tests' held-out chat).
  const chat = readFileSync(join(data, 'arena-hard', 'question.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line).turns[0].content as string);
  const traffics = [
    { name: 'RouterBench held out', prompts: heldOut },
    { name: 'Arena-Hard chat', prompts: chat },
  ];
  const models = (names: readonly string[], prices?: readonly (readonly [number, number])[]): ModelEntry[] =>
    names.map((name, i) => ({ name, price: prices ? { input: prices[i]![0], output: prices[i]![1] } : undefined, tags: [] }));
  const cases: ListCase[] = [
    { name: "RouterBench's 11, at the router's mean cost per training prompt", models: models(knn.models), costs: knn.meanCostUsd! },
    {
      name: 'mistral-7b $0.2/0.2, Yi-34B $0.8/0.8, GPT-4 $10/30 per M tokens, each request priced at its tokens',
      models: models(['mistralai/mistral-7b-chat', 'zero-one-ai/Yi-34B-Chat', 'gpt-4-1106-preview'], [
        [0.2, 0.2],
        [0.8, 0.8],
        [10, 30],
      ]),
    },
  ];
  const rows: string[] = [];
  for (const traffic of traffics) {
    for (const listCase of cases) {
      for (const share of SHARES) {
        const build = (priors: ReadonlyMap<string, ListPrior>) => () =>
          new ModelListRouting({ models: listCase.models, scorers: new Map([['knn', scorer]]), priors, ...(listCase.costs ? { costs: listCase.costs } : {}) });
        const cold = await firstRequestShares(build(new Map()), traffic.prompts, share, FIRST, RUNS);
        const warm = await firstRequestShares(build(new Map([['knn', prior]])), traffic.prompts, share, FIRST, RUNS);
        const cell = (runs: number[][], k: number) => {
          const values = runs.map((shares) => shares[k] as number);
          const mean = values.reduce((a, b) => a + b, 0) / values.length;
          const error = values.reduce((a, b) => a + Math.abs(b - share), 0) / values.length;
          return `${(mean * 100).toFixed(1)} (${(error * 100).toFixed(1)})`;
        };
        rows.push(`| ${traffic.name} | ${listCase.name} | ${share * 100}% | ${FIRST.map((_, k) => `${cell(cold, k)} / ${cell(warm, k)}`).join(' | ')} |`);
      }
    }
  }
  const markdown = [
    '## list-share-warm-start: the first requests of a cost share over a list, with and without the prior',
    '',
    `\`router-knn-<share>%\` over a \`models:\` list, in a fresh serve (window 200): the cost share realised over its`,
    `first N requests, mean over ${RUNS} random orders of the traffic, and in brackets the mean distance from the asked`,
    `share, in points. Traffic: ${heldOut.length} held-out RouterBench prompts (the sha1-odd halves of its ARC-Challenge, MBPP`,
    `and Winogrande train files: like the prior's, never in it), and Arena-Hard's ${chat.length} chat prompts (unlike it). Each cell:`,
    '**without** the prior (the window starts empty: the first prompts are cut on',
    'themselves) / **with** it (the cut also counts a quarter window, 50, of the training prompts of',
    '`datasets/calibration/list-prior-knn.json`, each live prompt pushing five out; on a list priced per request',
    "each prior prompt costs what the live prompts cost, in turn, not what its own tokens would). Realised share: the bill",
    "above the all-cheapest one over the all-strongest bill's, in dollars.",
    '',
    `| traffic | list | asked | ${FIRST.map((n) => `first ${n}`).join(' | ')} |`,
    `| --- | --- | ---: | ${FIRST.map(() => '---:').join(' | ')} |`,
    ...rows,
    '',
    `Pure computation (no timing); load average ${loadavg()[0]!.toFixed(1)} at the end, other engineers sharing the 2 cores.`,
  ].join('\n');
  await writeBenchSection('list-share-warm-start', markdown);
  process.stdout.write(`${markdown}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runListShareWarmStartBench().catch((error: unknown) => {
    process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  });
}
