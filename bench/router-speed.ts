import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Router } from '../src/core/index.js';
import { offlineEmbedderResolver } from '../src/embed/offline-embedders.js';
import { createBuiltinRegistry } from '../src/routers/builtin-registry.js';
import { DEFAULT_ROUTER } from '../src/routers/default-router.js';
import { packageRoot } from '../src/runtime/package-paths.js';
import { nodeRouterContext } from '../src/runtime/node-router-context.js';
import { chanceLevel, formatPValue, pAgainstChance } from '../src/eval/metrics/chance-level.js';
import { heldOutApgr } from '../src/train/heldout-metrics.js';
import { readTrainingData } from '../src/train/read-training-data.js';
import { seededRandom } from '../src/train/seeded-random.js';
import { freePort, percentile } from './bench-helpers.js';
import { writeBenchSection } from './benchmarks-md.js';

const DECISIONS = 500;
const WARMUP = 50;
const CACHED = 2000;
const LOCAL_DECISIONS = 30;
const COLD_STARTS = 15;
/** Random-score draws behind each set's chance level and p-value. */
const CHANCE_DRAWS = 2000;

const WORDS = (
  'the of and to in is that for it as with was on be by this are or at from an but which have not they can all their ' +
  'prove theorem integral derivative matrix eigenvalue function python code write explain essay story poem summarise ' +
  'history economics market policy physics energy quantum chemistry molecule biology cell protein patient diagnosis ' +
  'law contract court recipe garlic travel hawaii culture email letter translate french compare contrast argument'
).split(' ');

/** `count` distinct prompts of exactly 500 characters, from a seeded word stream. */
export function prompts(count: number, seed: number): string[] {
  const rng = seededRandom(seed);
  return Array.from({ length: count }, () => {
    let text = '';
    while (text.length < 500) text += `${WORDS[Math.floor(rng.next() * WORDS.length)]} `;
    return text.slice(0, 500);
  });
}

/** The same, shaped as a multiple-choice question (the default router's lexical path). */
function multipleChoicePrompts(count: number, seed: number): string[] {
  return prompts(count, seed).map((text) => `${text.slice(0, 440)}\nA. ${text.slice(0, 8)}\nB. ${text.slice(8, 16)}\nC. ${text.slice(16, 24)}\nD. ${text.slice(24, 32)}\nAnswer:`);
}

export async function timeEach(items: readonly string[], score: (prompt: string) => unknown): Promise<number[]> {
  const times: number[] = [];
  for (const item of items) {
    const start = performance.now();
    await score(item);
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b);
}

async function wallTime(command: string, args: string[]): Promise<number> {
  const start = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { cwd: packageRoot(), stdio: 'ignore', env: { ...process.env, OPENAI_API_KEY: '' } });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(' ')} exited ${code}`))));
  });
  return performance.now() - start;
}

/** RSS of `routellm serve` with the default router loaded, read from /proc once /health answers. */
async function serveRss(): Promise<number> {
  const port = await freePort();
  const child = spawn(process.execPath, ['bin/routellm.js', 'serve', '--port', String(port), '--base-url', 'http://127.0.0.1:9/v1'], {
    cwd: packageRoot(),
    stdio: 'ignore',
    env: { ...process.env, OPENAI_API_KEY: '' },
  });
  try {
    for (let attempt = 0; attempt < 100; attempt++) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/health`);
        if (response.ok) break;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    // Route one request's worth of prompt through the router, as a serving process would.
    await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: `router-${DEFAULT_ROUTER}-0.5`, messages: [{ role: 'user', content: prompts(1, 9)[0] }] }),
    }).catch(() => undefined);
    const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN) / 1024;
  } finally {
    child.kill('SIGTERM');
  }
}

/** The shared data (datasets beside the package, or dirname of $ROUTELLM_DATA), or undefined. */
function sharedDatasets(): string | undefined {
  const given = process.env['ROUTELLM_DATA'];
  const candidates = given ? [dirname(resolve(given)), resolve(given)] : [join(packageRoot(), '..', 'shared', 'datasets')];
  return candidates.find((d) => existsSync(join(d, 'routellm', 'mmlu')) && existsSync(join(d, 'routerbench')));
}

/** A set's quality line: the router's APGR beside what random scores give on the same items. */
interface QualityRow {
  readonly apgr: number;
  readonly n: number;
  readonly chance: { readonly mean: number; readonly sd: number; readonly draws: number };
  readonly p: number;
}

/** `routellm eval --json` in a child process, with its own win-rate cache: the router's APGR and its p-value against chance. */
async function evalApgr(benchmark: string, data: string, cacheDir: string, extra: string[] = []): Promise<QualityRow> {
  const args = ['bin/routellm.js', 'eval', '--benchmark', benchmark, '--routers', DEFAULT_ROUTER, '--data', join(data, 'routellm'), '--cache-dir', cacheDir, '--no-plot', '--json', '--chance-draws', String(CHANCE_DRAWS), ...extra];
  const stdout = await new Promise<string>((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, { cwd: packageRoot(), stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, CI: 'true' } });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolvePromise(out) : reject(new Error(`routellm eval --benchmark ${benchmark} exited ${code}`))));
  });
  const report = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
    n: number;
    routers: Array<{ name: string; apgr: number; p_random: number }>;
    chance: QualityRow['chance'];
  };
  const router = report.routers.find((r) => r.name === DEFAULT_ROUTER)!;
  return { apgr: router.apgr, p: router.p_random, n: report.n, chance: report.chance };
}

function qualityLine(label: string, row: QualityRow): string {
  return `| ${label} | ${row.n} | ${row.apgr.toFixed(3)} | ${row.chance.mean.toFixed(3)} ± ${row.chance.sd.toFixed(3)} | ${formatPValue(row.p, row.chance.draws)} |`;
}

/** APGR of the default router on the benchmarks the issue names; RouterBench on its held-out (odd sha1) half. */
async function quality(router: Router): Promise<string[]> {
  const data = sharedDatasets();
  if (!data) return ['Quality: skipped, the shared datasets are not beside the package (set ROUTELLM_DATA).'];
  const cacheDir = await mkdtemp(join(tmpdir(), 'router-speed-eval-'));
  try {
    const rows: string[] = [];
    for (const [label, benchmark, extra] of [
      ['MMLU, eval half', 'mmlu', ['--split', 'eval']],
      ['MT-Bench (decontaminated, both turns)', 'mt-bench', []],
      ['GSM8K sample (decontaminated)', 'gsm8k', []],
    ] as const) {
      rows.push(qualityLine(label, await evalApgr(benchmark, data, cacheDir, [...extra])));
    }
    const files = ['arc_challenge_train.csv', 'mbpp_train.csv', 'winograde_train.csv'].map((f) => join(data, 'routerbench', f));
    const { scored } = await readTrainingData(files, {
      aliases: new Map([['mistralai/mixtral-8x7b-chat', 'mixtral-8x7b-instruct-v0.1']]),
      models: ['gpt-4-1106-preview', 'mixtral-8x7b-instruct-v0.1'],
    });
    const heldOut = scored.filter((s) => createHash('sha1').update(s.prompt, 'utf8').digest()[0]! % 2 === 1);
    const rates = new Map<string, number>();
    for (const item of heldOut) rates.set(item.prompt, await router.strongWinRate(item.prompt));
    for (const a of heldOutApgr(heldOut, rates, 'gpt-4-1106-preview', 'mixtral-8x7b-instruct-v0.1')) {
      const chance = (await chanceLevel(a.scores, 10, CHANCE_DRAWS))!;
      const label = `RouterBench ${a.source.split('/').at(-1)!.replace('_train.csv', '')}, held-out half`;
      rows.push(qualityLine(label, { apgr: a.apgr, n: a.prompts, chance, p: pAgainstChance(chance, a.apgr) }));
    }
    return [
      `Quality (APGR, RouteLLM's curve: thresholds at the 10-quantile edges of the win rates). Random: the APGR of random scores over ${CHANCE_DRAWS} seeded draws on the same items, mean ± sd; p: the share of those draws at least as good as the router (one-sided):`,
      '',
      '| set | prompts | APGR | random | p vs random |',
      '| --- | ---: | ---: | ---: | ---: |',
      ...rows,
      '',
      'Trained only on even-sha1 halves (MMLU, RouterBench, RouterDC, GSM8K train) and Arena-Hard (datasets/README.md, with the leave-one-domain-out matrix). Issue 11 targets: MT-Bench >= 0.75, MMLU eval half >= 0.67, the held-out sets >= 0.55.',
    ];
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
  }
}

/** Decision latency of the default router, its cache, cold start and serve RSS; writes BENCHMARKS.md. */
export async function runRouterSpeedBench(): Promise<void> {
  const context = nodeRouterContext({ env: {} });
  const loadStart = performance.now();
  const router: Router = await createBuiltinRegistry().get(DEFAULT_ROUTER).create({}, context);
  const loadMs = performance.now() - loadStart;
  const fresh = prompts(DECISIONS + WARMUP, 1);
  await timeEach(fresh.slice(0, WARMUP), (p) => router.strongWinRate(p));
  const decision = await timeEach(fresh.slice(WARMUP), (p) => router.strongWinRate(p));
  const questions = multipleChoicePrompts(DECISIONS + WARMUP, 3);
  await timeEach(questions.slice(0, WARMUP), (p) => router.strongWinRate(p));
  const multipleChoice = await timeEach(questions.slice(WARMUP), (p) => router.strongWinRate(p));
  const repeated = Array.from({ length: CACHED }, () => fresh[WARMUP]!);
  const cached = await timeEach(repeated, (p) => router.strongWinRate(p));

  // Baseline in the same run: the full USE lite (`local`) embedding of the same kind of prompt.
  const local = await offlineEmbedderResolver()('local', context, 'bench');
  await local.embed(['warm up']);
  const localTimes = await timeEach(prompts(LOCAL_DECISIONS, 2), (p) => local.embed([p]));

  const node = [];
  const route = [];
  for (let i = 0; i < COLD_STARTS; i++) {
    node.push(await wallTime(process.execPath, ['-e', '0']));
    route.push(await wallTime(process.execPath, ['bin/routellm.js', 'route', 'hi']));
  }
  node.sort((a, b) => a - b);
  route.sort((a, b) => a - b);
  const rss = await serveRss();
  const qualityLines = await quality(router);

  const ms = (v: number) => (v < 0.1 ? `${(v * 1000).toFixed(1)} µs` : `${v.toFixed(v < 10 ? 2 : 0)} ms`);
  const p50 = percentile(decision, 0.5);
  const p99 = percentile(decision, 0.99);
  const lines = [
    `## Default router speed and quality (\`${DEFAULT_ROUTER}\`: structure features + \`use-static\` logistic regression, lexical n-grams for multiple-choice questions)`,
    '',
    `${new Date().toISOString().slice(0, 10)}, Node ${process.version}, \`bench/router-speed.ts\`. ${DECISIONS} distinct 500-character prompts after ${WARMUP} warm-up;`,
    `cached = the same prompt ${CACHED} times; cold start = ${COLD_STARTS} fresh processes each, alternating; RSS of \`routellm serve\` after one routed request.`,
    '',
    '| measure | p50 | p99 | target |',
    '| --- | ---: | ---: | --- |',
    `| decision, 500-char prompt (structure features, tokenize + pool, one dot product) | ${ms(p50)} | ${ms(p99)} | p50 <= 1 ms, p99 <= 5 ms: ${p50 <= 1 && p99 <= 5 ? 'met' : 'NOT met'} |`,
    `| decision, 500-char multiple-choice prompt (lexical: hash + dot) | ${ms(percentile(multipleChoice, 0.5))} | ${ms(percentile(multipleChoice, 0.99))} | p50 <= 1 ms, p99 <= 5 ms: ${percentile(multipleChoice, 0.5) <= 1 && percentile(multipleChoice, 0.99) <= 5 ? 'met' : 'NOT met'} |`,
    `| cached repeat (LRU hit) | ${ms(percentile(cached, 0.5))} | ${ms(percentile(cached, 0.99))} | <= 0.1 ms: ${percentile(cached, 0.5) <= 0.1 ? 'met' : 'NOT met'} |`,
    `| baseline: \`local\` USE lite embedding alone | ${ms(percentile(localTimes, 0.5))} | ${ms(percentile(localTimes, 0.99))} | (${(percentile(localTimes, 0.5) / p50).toFixed(0)}x the default's p50) |`,
    '',
    '| process | median | max | target |',
    '| --- | ---: | ---: | --- |',
    `| \`node -e 0\` (Node itself) | ${ms(percentile(node, 0.5))} | ${ms(node.at(-1)!)} | |`,
    `| \`routellm route "hi"\` (default router) | ${ms(percentile(route, 0.5))} | ${ms(route.at(-1)!)} | <= 300 ms: ${percentile(route, 0.5) <= 300 ? 'met' : 'NOT met'} |`,
    '',
    `Router load in-process (its weights, the lexical expert's, and the 4 MB float16 token table): ${ms(loadMs)}. \`routellm serve\` RSS with it loaded: ${rss.toFixed(0)} MB (target <= 300 MB: ${rss <= 300 ? 'met' : 'NOT met'}).`,
    '',
    ...qualityLines,
  ];
  await writeBenchSection('router-speed', lines.join('\n'));
  process.stderr.write(`${lines.join('\n')}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runRouterSpeedBench().catch((error: unknown) => {
    process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  });
}
