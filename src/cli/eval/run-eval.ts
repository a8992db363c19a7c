import { resolve } from 'node:path';
import { DEFAULT_MODEL_PAIR, UsageError } from '../../core/index.js';
import { unknownConfigRouterWarnings } from '../../config/unknown-config-routers.js';
import { loadConfig } from '../../config/load-config.js';
import { loadBenchmark, NAMED_BENCHMARKS } from '../../eval/benchmarks/load-benchmark.js';
import { resolveDataDir } from '../../eval/benchmarks/data-dir.js';
import { checkEvaluable } from '../../eval/check-benchmark.js';
import { evaluateRouters, type EvalProgress, type RouterUnderTest } from '../../eval/evaluate-routers.js';
import { chooseSplit, type Split } from '../../eval/choose-split.js';
import { declaredTraining, inSampleCount } from '../../eval/declared-training.js';
import { plainProgress } from '../../eval/progress/plain-progress.js';
import { reportJson } from '../../eval/render/report-json.js';
import { reportTable } from '../../eval/render/report-table.js';
import { plotFileNames } from '../../eval/render/plot-file-names.js';
import { resolveCacheDir, WinRateCache } from '../../eval/win-rate-cache.js';
import { createBuiltinRegistry } from '../../routers/builtin-registry.js';
import { nodeRouterContext } from '../../runtime/node-router-context.js';
import { checkOutputDirectory, checkOutputFiles } from '../../runtime/output-path.js';
import type { EvalFlags } from './eval-command.js';
import type { CliIo } from '../io.js';
import { outputColumns, sizeUnsizedTerminal, useColour } from '../terminal.js';
import { parseChanceDraws } from './chance-draws.js';
import { parsePositiveInteger } from '../parse-positive-integer.js';

/**
 * `routellm eval`: loads the benchmark once, evaluates each router, prints and plots. A `--config`
 * holding a `models:` list is evaluated as a list (runMultiEval) unless the pair is named with
 * --strong-model/--weak-model or the benchmark has two models' scores only (mt-bench, mmlu, gsm8k).
 */
export async function runEval(given: EvalFlags, io: CliIo, defaultRouters: readonly string[]): Promise<void> {
  const numResults = parsePositiveInteger(given.numResults, '--num-results');
  const randomIters = parsePositiveInteger(given.randomIters, '--random-iters');
  const chanceDraws = parseChanceDraws(given.chanceDraws);
  const parallel = parsePositiveInteger(given.parallel, '--parallel');
  const config = await loadConfig(given.config, io.env, io.cwd);
  const warn = (message: string) => io.stderr.write(`routellm: warning: ${message}\n`);
  const list = config.models?.list;
  if (list !== undefined) {
    const unused = `${config.path}'s models: list (${list.length} models) is not evaluated`;
    if (given.strongModel !== undefined || given.weakModel !== undefined) {
      warn(`--strong-model/--weak-model given: ${unused}; the pair's columns are evaluated`);
    } else if ((NAMED_BENCHMARKS as readonly string[]).includes(given.benchmark)) {
      warn(`${given.benchmark} has scores of two models only: ${unused}; the default pair is (a CSV in RouterBench's layout evaluates the list)`);
    } else {
      const { runMultiEval } = await import('./run-multi-eval.js');
      await runMultiEval(given, io);
      return;
    }
  }
  const flags = { ...given, routers: given.routers ?? [...defaultRouters] };
  const registry = createBuiltinRegistry();
  // Unknown router names fail before any data is read.
  for (const name of flags.routers) registry.get(name);
  const overwrite = new Set(flags.overwriteCache === true ? flags.routers : (flags.overwriteCache ?? []));
  for (const name of overwrite) {
    if (!flags.routers.includes(name)) throw new UsageError(`--overwrite-cache ${name}: "${name}" is not one of the routers evaluated (${flags.routers.join(', ')})`);
  }
  const context = nodeRouterContext({ env: io.env, cwd: io.cwd, fetch: io.fetch, stderr: io.stderr });
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
    resolvePath: (path) => resolve(io.cwd, path),
  });
  const cacheDir = resolveCacheDir(flags.cacheDir, io.env, io.cwd);
  // Deterministic routers are built now, before any is scored: one that cannot load fails first,
  // and each one's model card says which prompts it learned from, which the split must know.
  const routers: RouterUnderTest[] = [];
  for (const name of new Set(flags.routers)) {
    const factory = registry.get(name);
    const options = config.routers[name] ?? {};
    if (name === 'random') {
      // The baseline: seeded runs averaged, never cached (its rates are noise by design).
      const base = typeof options['seed'] === 'number' ? options['seed'] : 0;
      routers.push({
        name,
        runs: randomIters,
        build: async (run) => factory.create({ ...options, seed: base + run }, context),
        openCache: async () => undefined,
      });
      continue;
    }
    const declared = declaredTraining(context);
    const router = await factory.create(options, declared.context);
    routers.push({
      name,
      runs: 1,
      build: async () => router,
      openCache: async (built) => {
        const cache = await WinRateCache.open(cacheDir, built.fingerprint, warn);
        if (overwrite.has(name)) cache.clear();
        return cache;
      },
      trainedOn: await declared.trainedPrompts(),
    });
  }
  const scored = chooseSplit(benchmark, flags.split as Split, routers);
  for (const router of routers) {
    const inSample = inSampleCount(router.trainedOn, scored.prompts);
    if (inSample > 0) {
      warn(`${router.name} was trained on ${inSample} of the ${scored.prompts.length} prompts scored: its row is a training-set score, marked in-sample (the default --split auto leaves those prompts out)`);
    }
  }
  checkEvaluable(scored, numResults).forEach(warn);
  // Scoring may take long: a plot that cannot be written is found out now, not after it.
  if (flags.plot) await checkOutputFiles(output, Object.values(plotFileNames(scored.name)), '--output');
  for (const note of scored.notes) log(`${note}\n`);

  const live = !flags.json && io.stderr.isTTY === true && !io.env['CI'];
  if (live) sizeUnsizedTerminal(io.stderr, io.env);
  const progress: EvalProgress & { close(): void } = live
    ? await (await import('../../eval/progress/ink-progress.js')).inkProgress(io.stderr, useColour(io.stderr, io.env))
    : plainProgress(log);
  let report;
  try {
    report = await evaluateRouters({ benchmark: scored, routers, numResults, progress, parallel, chanceDraws: chanceDraws(scored.prompts.length), warn, ...(io.signal ? { signal: io.signal } : {}) });
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
    io.stdout.write(await reportTable(report, { colour: useColour(io.stdout, io.env), width: outputColumns(io.stdout, io.env) }));
  }
}
