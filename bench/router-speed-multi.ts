import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { chooseModel } from '../src/core/index.js';
import { DEFAULT_MODEL_SCORER, modelScorerFactory } from '../src/routers/multi/model-scorers.js';
import { nodeRouterContext } from '../src/runtime/node-router-context.js';
import { writeBenchSection } from './benchmarks-md.js';
import { percentile } from './bench-helpers.js';
import { prompts, timeEach } from './router-speed.js';

const DECISIONS = 500;
const WARMUP = 50;

/**
 * One decision over RouterBench's 11 models on a 500-character prompt, as serve will make it: the
 * shipped router scores every model (embedding included), then the rule picks one at a knob.
 * Issue 15's target: p50 <= 2 ms. Distinct prompts, so no cache helps.
 */
export async function runMultiRouterSpeedBench(): Promise<void> {
  const context = nodeRouterContext({ env: {} });
  const rows: string[] = [];
  for (const name of [DEFAULT_MODEL_SCORER, 'mf']) {
    const loadStart = performance.now();
    const scorer = await (await modelScorerFactory(name)).create({}, context);
    const loadMs = performance.now() - loadStart;
    const costs = scorer.meanCostUsd!;
    const reference = scorer.models.length - 1;
    const decide = async (prompt: string) => chooseModel(await scorer.scores(prompt), costs, reference, 0.05);
    await timeEach(prompts(WARMUP, 7), decide);
    const times = await timeEach(prompts(DECISIONS, 8), decide);
    rows.push(
      `| ${name}${name === DEFAULT_MODEL_SCORER ? ' (shipped default)' : ''} | ${scorer.models.length} | ${percentile(times, 0.5).toFixed(3)} | ${percentile(times, 0.99).toFixed(3)} | ${loadMs.toFixed(0)} |`,
    );
  }
  const markdown = [
    '## router-speed-multi: one decision over 11 models',
    '',
    `${DECISIONS} distinct 500-character prompts, after ${WARMUP} warm-up decisions: the shipped router scores all of`,
    "RouterBench's 11 models (use-static embedding included) and the rule picks one at a knob (issue 15's",
    'target: p50 <= 2 ms). Load: the first build in this process (weights and, for the first router, the',
    `use-static table). Other engineers' benches and tests shared the machine's 2 cores (load average ${loadavg()[0]!.toFixed(1)} at the end).`,
    '',
    '| router | models | p50 ms | p99 ms | load ms |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
  await writeBenchSection('router-speed-multi', markdown);
  process.stdout.write(`${markdown}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runMultiRouterSpeedBench().catch((error: unknown) => {
    process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  });
}
