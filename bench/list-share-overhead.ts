import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ModelListRouting, ShareCalibrator, type ListPrior, type ModelEntry, type ModelScorer } from '../src/core/index.js';
import { readListPrior } from '../src/calibrate/list-prior-table.js';
import { modelScorerFactory } from '../src/routers/multi/model-scorers.js';
import { nodeRouterContext } from '../src/runtime/node-router-context.js';
import { packageRoot } from '../src/runtime/package-paths.js';
import { writeBenchSection } from './benchmarks-md.js';
import { percentile } from './bench-helpers.js';

/*
 * What holding a cost share (`router-knn-30%`) or a budget (`router-knn-$20/h`) over a `models:`
 * list costs a decision, against the same list's decision at a fixed knob (`router-knn-0.2`), in
 * the same run: ModelListRouting.decide, as serve calls it, over six of RouterBench's models priced
 * per request, with the shipped prior and the default window of 200. The rule's part alone (the
 * knn scores of each prompt computed once beforehand) and the whole decision (knn scoring each
 * prompt, use-static embedding included). Variants interleaved decision by decision.
 */

const DECISIONS = 4_000;
const WARMUP = 1_000;
const WHOLE_DECISIONS = 600;
const WHOLE_WARMUP = 100;
const WINDOW = 200;

/** Six of RouterBench's models, cheapest first, at per-million-token prices (in, out). */
const SIX: readonly (readonly [string, number, number])[] = [
  ['mistralai/mistral-7b-chat', 0.2, 0.2],
  ['WizardLM/WizardLM-13B-V1.2', 0.3, 0.3],
  ['mistralai/mixtral-8x7b-chat', 0.6, 0.6],
  ['zero-one-ai/Yi-34B-Chat', 0.8, 0.8],
  ['gpt-3.5-turbo-1106', 1, 2],
  ['gpt-4-1106-preview', 10, 30],
];

interface Variant {
  readonly name: string;
  readonly model: string;
}

const VARIANTS: readonly Variant[] = [
  { name: 'fixed knob (no share)', model: 'router-knn-0.2' },
  { name: 'cost share, prior', model: 'router-knn-30%' },
  { name: 'budget, prior', model: 'router-knn-$20/h' },
];

/** Per variant, the time of each decision in µs (sorted), the variants taking turns prompt by prompt. */
async function interleaved(routing: ModelListRouting, prompts: readonly string[], decisions: number, warmup: number): Promise<number[][]> {
  const targets = VARIANTS.map((variant) => routing.resolve(variant.model));
  const times = VARIANTS.map(() => [] as number[]);
  for (let i = 0; i < warmup + decisions; i += 1) {
    const prompt = prompts[i % prompts.length] as string;
    // The names take turns in a rotating order, so none is always first after a new prompt.
    for (let turn = 0; turn < targets.length; turn += 1) {
      const v = (i + turn) % targets.length;
      const start = performance.now();
      await routing.decide(targets[v]!, prompt);
      if (i >= warmup) times[v]!.push((performance.now() - start) * 1000);
    }
  }
  return times.map((list) => list.sort((a, b) => a - b));
}

export async function runListShareOverheadBench(data = join(packageRoot(), '..', 'shared', 'datasets')): Promise<void> {
  const context = nodeRouterContext({ env: {} });
  const knn = await (await modelScorerFactory('knn')).create({}, context);
  const prior = await readListPrior(knn, context);
  if (prior === undefined || typeof prior === 'string') throw new Error(`no usable list prior for knn: ${prior ?? 'none shipped'}; run npm run calibration:lists`);
  const prompts = readFileSync(join(data, 'arena-hard', 'question.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line).turns[0].content as string);
  const cached = new Map<string, Float64Array>();
  for (const prompt of prompts) cached.set(prompt, Float64Array.from(await knn.scores(prompt)));
  const precomputed: ModelScorer = { ...knn, scores: (prompt) => cached.get(prompt) ?? knn.scores(prompt) };
  const models: ModelEntry[] = SIX.map(([name, input, output]) => ({ name, price: { input, output }, tags: [] }));
  let clock = 0;
  const build = (scorer: ModelScorer) =>
    new ModelListRouting({
      models,
      scorers: new Map([['knn', scorer]]),
      priors: new Map<string, ListPrior>([['knn', prior]]),
      // A second per decision, so a budget's pace moves as in serve (the clock is not what is timed).
      liveShares: new ShareCalibrator({ window: WINDOW, now: () => (clock += 1000) }),
    });
  const rule = await interleaved(build(precomputed), prompts, DECISIONS, WARMUP);
  const whole = await interleaved(build(knn), prompts, WHOLE_DECISIONS, WHOLE_WARMUP);
  const p50 = (times: number[]) => percentile(times, 0.5);
  const rows = VARIANTS.map(
    (variant, v) =>
      `| ${variant.name} | \`${variant.model}\` | ${p50(rule[v]!).toFixed(1)} | ${percentile(rule[v]!, 0.99).toFixed(1)} | ${(p50(rule[v]!) / p50(rule[0]!)).toFixed(2)} | ${p50(whole[v]!).toFixed(0)} | ${(p50(whole[v]!) / p50(whole[0]!)).toFixed(2)} |`,
  );
  const markdown = [
    '## list-share-overhead: a cost share or a budget over a list, against a fixed knob',
    '',
    `\`ModelListRouting.decide\` over ${SIX.length} of RouterBench's models (${SIX.map(([name, input, output]) => `${name.split('/').pop()} $${input}/${output}`).join(', ')}`,
    `per M tokens, each request priced at its tokens), window ${WINDOW}, the shipped prior; Arena-Hard's ${prompts.length} chat prompts in turn,`,
    'the three names taking turns prompt by prompt (in a rotating order) in one process. **Rule**: the knn scores of each prompt computed',
    `beforehand, so the time is the rule, the window and the cut (${DECISIONS} decisions each after ${WARMUP} warm-up ones).`,
    `**Whole**: knn scoring each prompt (use-static embedding included) as serve does (${WHOLE_DECISIONS} each after ${WHOLE_WARMUP} warm-up ones).`,
    'Ratio: p50 against the fixed knob\'s in the same run.',
    '',
    '| name | model | rule p50 µs | rule p99 µs | rule ratio | whole p50 µs | whole ratio |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    `Load average ${loadavg()[0]!.toFixed(1)} at the end: other engineers' tests and benches shared the machine's 2 cores.`,
  ].join('\n');
  await writeBenchSection('list-share-overhead', markdown);
  process.stdout.write(`${markdown}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runListShareOverheadBench().catch((error: unknown) => {
    process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  });
}
