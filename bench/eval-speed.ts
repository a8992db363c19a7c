import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEFAULT_ROUTER } from '../src/routers/default-router.js';
import { packageRoot } from '../src/runtime/package-paths.js';
import { median } from './bench-helpers.js';
import { writeBenchSection } from './benchmarks-md.js';

const WARM_RUNS = 3;
const TARGET_WARM_S = 5;

interface Run {
  readonly seconds: number;
  /** Per router, from the plain progress lines: seconds and prompts scored (not cached). */
  readonly routers: Map<string, { seconds: number; scored: number }>;
}

/** One whole `routellm eval --benchmark mmlu` as a fresh process (plot included), timed. */
function evalOnce(routers: readonly string[], cacheDir: string, output: string): Run {
  const bin = join(packageRoot(), 'bin', 'routellm.js');
  // --split all: the whole benchmark, as this bench has always timed it (auto would leave out the default router's training half).
  const args = [bin, 'eval', '--benchmark', 'mmlu', '--split', 'all', '--routers', ...routers, '--cache-dir', cacheDir, '--output', output, '--json'];
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, CI: 'true' }, maxBuffer: 64 << 20 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) throw new Error(`routellm eval exited ${result.status}: ${result.stderr}`);
  const parsed = new Map<string, { seconds: number; scored: number }>();
  for (const match of result.stderr.matchAll(/^(\S+): done in ([\d.]+) s, (\d+) scored/gm)) {
    parsed.set(match[1] as string, { seconds: Number(match[2]), scored: Number(match[3]) });
  }
  return { seconds, routers: parsed };
}

/**
 * Whole MMLU eval (14,037 prompts, 10 seeded random runs, 10 bins, table + SVG/PNG plot) of
 * `random` plus the default router, as fresh processes: cold (empty win-rate cache) once,
 * then warm. Baseline in the same run: `random` alone (nothing to cache). Target: warm < 5 s.
 */
export async function runEvalSpeedBench(): Promise<void> {
  const routers = [...new Set(['random', DEFAULT_ROUTER])];
  const work = mkdtempSync(join(tmpdir(), 'routellm-eval-bench-'));
  try {
    const cache = join(work, 'cache');
    const output = join(work, 'out');
    evalOnce(['random'], join(work, 'unused'), output); // warm the file cache and the data
    const baseline = median(Array.from({ length: WARM_RUNS }, () => evalOnce(['random'], join(work, 'unused'), output).seconds));
    const cold = evalOnce(routers, cache, output);
    const warm = Array.from({ length: WARM_RUNS }, () => evalOnce(routers, cache, output));
    const warmMedian = median(warm.map((run) => run.seconds));
    const rows = routers
      .filter((name) => name !== 'random')
      .map((name) => {
        const scoring = cold.routers.get(name);
        const rate = scoring && scoring.seconds > 0 ? `${Math.round(scoring.scored / scoring.seconds)} prompts/s (${scoring.scored} prompts in ${scoring.seconds.toFixed(2)} s)` : 'n/a';
        return `| \`${name}\` cold scoring | ${rate} |`;
      });
    const note = DEFAULT_ROUTER === 'random' ? ' The default router is `random` at the time of this run, so cold and warm differ only by noise.' : '';
    const markdown = `## Eval speed: \`routellm eval --benchmark mmlu --routers ${routers.join(' ')}\`

Fresh processes, ${new Date().toISOString().slice(0, 16)}Z, Node ${process.version}, 2 cores, \`bench/eval-speed.ts\`: the whole
MMLU eval (14,037 prompts; \`random\` as 10 seeded runs; 10 bins; chance level from 106 random-score draws (\`--chance-draws auto\`); table, JSON and SVG + PNG plot).
Cold = empty win-rate cache; warm = median of ${WARM_RUNS} runs on the filled cache. Baseline: \`random\` alone, same run.${note}

| run | wall time | vs baseline |
| --- | ---: | ---: |
| baseline: \`random\` alone | ${baseline.toFixed(2)} s | 1.00x |
| cold: ${routers.map((name) => `\`${name}\``).join(' + ')} | ${cold.seconds.toFixed(2)} s | ${(cold.seconds / baseline).toFixed(2)}x |
| warm: ${routers.map((name) => `\`${name}\``).join(' + ')} | ${warmMedian.toFixed(2)} s | ${(warmMedian / baseline).toFixed(2)}x |

| router | speed |
| --- | --- |
${rows.length > 0 ? rows.join('\n') : '| (no router besides random) | - |'}

Target: warm < ${TARGET_WARM_S} s: ${warmMedian < TARGET_WARM_S ? 'met' : 'NOT met'}.`;
    await writeBenchSection('eval-speed', markdown);
    process.stdout.write(`${markdown}\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runEvalSpeedBench().catch((error: unknown) => {
    process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  });
}
