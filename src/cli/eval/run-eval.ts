import { resolve } from 'node:path';
import { DEFAULT_MODEL_PAIR, UsageError, type Router } from '../../core/index.js';
import { unknownConfigRouterWarnings } from '../../config/unknown-config-routers.js';
import { loadConfig } from '../../config/load-config.js';
import { loadBenchmark } from '../../eval/benchmarks/load-benchmark.js';
import { resolveDataDir } from '../../eval/benchmarks/data-dir.js';
import { checkEvaluable } from '../../eval/check-benchmark.js';
import { evaluateRouters, type EvalProgress, type RouterUnderTest } from '../../eval/evaluate-routers.js';
import type { MmluSplit } from '../../eval/mmlu-split.js';
import { plainProgress } from '../../eval/progress/plain-progress.js';
import { reportJson } from '../../eval/render/report-json.js';
import { reportTable } from '../../eval/render/report-table.js';
import { plotFileNames } from '../../eval/render/plot-file-names.js';
import { resolveCacheDir, WinRateCache } from '../../eval/win-rate-cache.js';
import { createBuiltinRegistry } from '../../routers/builtin-registry.js';
import { nodeRouterContext } from '../../runtime/node-router-context.js';
import { checkOutputDirectory, checkOutputFiles } from '../../runtime/output-path.js';
import type { EvalFlags } from '../commands/eval.js';
import type { CliIo } from '../io.js';
import { parseChanceDraws } from './chance-draws.js';
import { parsePositiveInteger } from './parse-positive-integer.js';

/** `routellm eval`: loads the benchmark once, evaluates each router, prints and plots. */
export async function runEval(flags: EvalFlags, io: CliIo): Promise<void> {
  const numResults = parsePositiveInteger(flags.numResults, '--num-results');
  const randomIters = parsePositiveInteger(flags.randomIters, '--random-iters');
  const chanceDraws = parseChanceDraws(flags.chanceDraws);
  const config = await loadConfig(flags.config, io.env, io.cwd);
  const registry = createBuiltinRegistry();
  // Unknown router names fail before any data is read.
  for (const name of flags.routers) registry.get(name);
  const context = nodeRouterContext({ env: io.env, cwd: io.cwd, fetch: io.fetch });
  const warn = (message: string) => io.stderr.write(`routellm: warning: ${message}\n`);
  const log = (line: string) => io.stderr.write(line);
  unknownConfigRouterWarnings(config, registry, flags.routers).forEach(warn);
  const strongModel = flags.strongModel ?? DEFAULT_MODEL_PAIR.strong;
  const weakModel = flags.weakModel ?? DEFAULT_MODEL_PAIR.weak;
  if (strongModel === weakModel) {
    throw new UsageError(`--strong-model and --weak-model both name "${strongModel}": eval compares two different models`);
  }
  const output = resolve(io.cwd, flags.output);
  if (flags.plot) await checkOutputDirectory(output, '--output');

  const benchmark = await loadBenchmark({
    benchmark: flags.benchmark,
    dataDir: () => resolveDataDir(flags.data, io.env, io.cwd),
    strongModel,
    weakModel,
    split: flags.split as MmluSplit | 'all',
    resolvePath: (path) => resolve(io.cwd, path),
  });
  checkEvaluable(benchmark, numResults).forEach(warn);
  // Scoring may take long: a plot that cannot be written is found out now, not after it.
  if (flags.plot) await checkOutputFiles(output, Object.values(plotFileNames(benchmark.name)), '--output');
  for (const note of benchmark.notes) log(`${note}\n`);

  const cacheDir = resolveCacheDir(flags.cacheDir, io.env, io.cwd);
  const routers = [...new Set(flags.routers)].map((name): RouterUnderTest => {
    const factory = registry.get(name);
    const options = config.routers[name] ?? {};
    if (name === 'random') {
      // The baseline: seeded runs averaged, never cached (its rates are noise by design).
      const base = typeof options['seed'] === 'number' ? options['seed'] : 0;
      return {
        name,
        runs: randomIters,
        build: async (run) => factory.create({ ...options, seed: base + run }, context),
        openCache: async () => undefined,
      };
    }
    let built: Promise<Router> | undefined;
    return {
      name,
      runs: 1,
      build: () => (built ??= Promise.resolve(factory.create(options, context))),
      openCache: (router) => WinRateCache.open(cacheDir, router.fingerprint, warn),
    };
  });

  const live = !flags.json && io.stderr.isTTY === true && !io.env['CI'];
  const progress: EvalProgress & { close(): void } = live
    ? await (await import('../../eval/progress/ink-progress.js')).inkProgress(io.stderr)
    : plainProgress(log);
  let report;
  try {
    report = await evaluateRouters({ benchmark, routers, numResults, progress, chanceDraws: chanceDraws(benchmark.prompts.length), warn, ...(io.signal ? { signal: io.signal } : {}) });
  } finally {
    progress.close();
  }

  if (flags.plot) {
    const { writePlot } = await import('../../eval/render/write-plot.js');
    const paths = await writePlot(report, output);
    log(`wrote ${paths.svg} and ${paths.png}\n`);
  }
  if (flags.json) {
    io.stdout.write(`${JSON.stringify(reportJson(report))}\n`);
  } else {
    const colour = io.stdout.isTTY === true && (io.stdout.hasColors?.() ?? false);
    io.stdout.write(await reportTable(report, colour));
  }
}
