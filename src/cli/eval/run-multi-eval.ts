import { resolve } from 'node:path';
import { boundedRoutingText, checkCostOrder, UsageError } from '../../core/index.js';
import { loadConfig, type RoutellmConfig } from '../../config/load-config.js';
import type { ModelPrice } from '../../config/config-sections.js';
import { NAMED_BENCHMARKS } from '../../eval/benchmarks/load-benchmark.js';
import { PriceTable } from '../../upstream/price-table.js';
import { splitSelection, type Split } from '../../eval/choose-split.js';
import { declaredTraining, inSampleCount } from '../../eval/declared-training.js';
import { evaluateMulti, type MultiRouterUnderTest } from '../../eval/multi/evaluate-multi.js';
import { loadMultiBenchmark } from '../../eval/multi/load-multi-benchmark.js';
import { columnMeans, selectMultiRows, type MultiBenchmark } from '../../eval/multi/multi-benchmark.js';
import { multiReportJson } from '../../eval/multi/multi-report-json.js';
import { multiReportTable } from '../../eval/multi/multi-report-table.js';
import { plotFileNames } from '../../eval/render/plot-file-names.js';
import { DEFAULT_MODEL_SCORER, modelScorerFactory } from '../../routers/multi/model-scorers.js';
import { nodeRouterContext } from '../../runtime/node-router-context.js';
import { checkOutputDirectory, checkOutputFiles } from '../../runtime/output-path.js';
import type { EvalFlags } from './eval-command.js';
import type { CliIo } from '../io.js';
import { outputColumns, useColour } from '../terminal.js';
import { parseChanceDraws } from './chance-draws.js';
import { parsePositiveInteger } from '../parse-positive-integer.js';

/** Flags of the two-model eval that mean nothing over a list of models, and why. */
function rejectPairFlags(flags: EvalFlags): void {
  const pair = [['--strong-model', flags.strongModel], ['--weak-model', flags.weakModel]] as const;
  for (const [flag, value] of pair) {
    if (value !== undefined) throw new UsageError(`${flag} does not apply with --models: the list is the models (cheapest to strongest; the last is the reference)`);
  }
  if (flags.overwriteCache !== undefined || flags.cacheDir !== undefined) {
    throw new UsageError(`${flags.cacheDir !== undefined ? '--cache-dir' : '--overwrite-cache'} does not apply with --models: the routers over a list of models are offline and score without a cache`);
  }
  if (flags.parallel !== '1') throw new UsageError('--parallel does not apply with --models: the routers over a list of models are offline');
  if ((NAMED_BENCHMARKS as readonly string[]).includes(flags.benchmark)) {
    throw new UsageError(`--models reads a CSV in RouterBench's layout (a score column per model, <model>|total_cost); "${flags.benchmark}" has scores of two models only`);
  }
}

/** A model to evaluate: its name, the CSV column holding its scores, and the price it is served at when the config's list says. */
interface EvalModel {
  readonly name: string;
  readonly column: string;
  readonly price?: ModelPrice | undefined;
  /** True when the name is an entry of the config's `models:` list. */
  readonly listed: boolean;
}

/**
 * The models to evaluate, cheapest first: `--models`, else the config's `models:` list. A name of
 * the list is scored from its entry's `scored_as:` column (else its name) and costs what the entry
 * is served at: its own price, else `prices:` for its name (for a stand-in, `scored_as` another
 * model, also the table's price for its name), in place of the column's `<model>|total_cost`. Other
 * names are columns, as without a list.
 */
function evalModels(flags: EvalFlags, config: RoutellmConfig): EvalModel[] {
  const listed = config.models?.list;
  const names = flags.models !== undefined ? flags.models.split(',').map((m) => m.trim()).filter(Boolean) : (listed ?? []).map((entry) => entry.name);
  const table = new PriceTable(config.prices);
  const models = names.map((name): EvalModel => {
    const entry = listed?.find((candidate) => candidate.name === name);
    if (!entry) return { name, column: name, listed: false };
    const column = entry.scoredAs ?? name;
    const price = entry.price ?? (column !== name ? table.priceOf(name) : config.prices?.[name]);
    return { name, column, price, listed: true };
  });
  models.forEach((model, index) => {
    const other = models.findIndex((candidate) => candidate.column === model.column);
    if (other !== index && model.name !== models[other]?.name) {
      throw new UsageError(`"${models[other]?.name}" and "${model.name}" are both scored as "${model.column}" in ${config.path}'s models: list; eval reads one score column per model: leave one out with --models`);
    }
  });
  return models;
}

/** Says where missing columns' names came from: --models, or which entries of the config's list. */
function columnOrigin(models: readonly EvalModel[], flags: EvalFlags, config: RoutellmConfig): (missing: readonly string[]) => string {
  return (missing) => {
    const fromList = models.filter((model) => model.listed && missing.includes(model.column));
    if (fromList.length === 0) return '--models names columns';
    const named = fromList.map((model) => (model.column === model.name ? `"${model.name}"` : `"${model.name}" is scored_as "${model.column}"`)).join(', ');
    const how = flags.models === undefined ? `eval runs over the models: list of ${config.path}` : `--models names entries of ${config.path}'s models: list`;
    return `${how}: ${named}; say which column each entry is scored as with scored_as:`;
  };
}

/**
 * `routellm eval --benchmark FILE.csv --models a,b,...` (or `--config` holding a `models:` list):
 * the routers over a list of models on a benchmark in RouterBench's layout; by default only the
 * prompts their model cards do not claim.
 */
export async function runMultiEval(flags: EvalFlags, io: CliIo): Promise<void> {
  rejectPairFlags(flags);
  const numResults = parsePositiveInteger(flags.numResults, '--num-results');
  const shuffles = parseChanceDraws(flags.chanceDraws);
  const config = await loadConfig(flags.config, io.env, io.cwd);
  const evaluated = evalModels(flags, config);
  const models = evaluated.map((model) => model.column);
  const names = [...new Set(flags.routers ?? [DEFAULT_MODEL_SCORER])];
  const factories = await Promise.all(names.map((name) => modelScorerFactory(name)));
  const output = resolve(io.cwd, flags.output);
  if (flags.plot) await checkOutputDirectory(output, '--output');
  const log = (line: string) => io.stderr.write(line);
  const warn = (message: string) => io.stderr.write(`routellm: warning: ${message}\n`);

  const fixedPrices = new Map(evaluated.flatMap((model) => (model.price ? [[model.column, model.price] as const] : [])));
  const benchmark = await loadMultiBenchmark(resolve(io.cwd, flags.benchmark), models, config.prices ?? {}, {
    fixedPrices,
    namedBy: columnOrigin(evaluated, flags, config),
    fixedPricesFrom: `the prices of ${config.path}'s models: list`,
  });
  const renamed = evaluated.filter((model) => model.column !== model.name);
  if (renamed.length > 0) log(`${config.path}'s models: list: ${renamed.map((model) => `${model.name} is scored as ${model.column}`).join(', ')}\n`);
  const where = flags.models === undefined ? `${config.path}: models` : '--models';
  checkCostOrder(evaluated.map((model) => model.name), columnMeans(benchmark.costs, benchmark.models.length).map((cost) => cost * 1000), where, `per 1,000 prompts of ${benchmark.title}`, 'measured');
  const context = nodeRouterContext({ env: io.env, cwd: io.cwd, fetch: io.fetch, stderr: io.stderr });
  const routers: MultiRouterUnderTest[] = [];
  for (const [index, factory] of factories.entries()) {
    const declared = declaredTraining(context);
    const scorer = await factory.create(config.routers[factory.name] ?? {}, declared.context);
    const unknown = models.filter((model) => !scorer.models.includes(model));
    if (unknown.length > 0) {
      const from = flags.models === undefined ? `the models: list of ${config.path}; say which model each entry is with scored_as:` : '--models';
      throw new UsageError(`router "${names[index]}" does not score ${unknown.join(', ')} (${from}); it scores ${scorer.models.join(', ')}`);
    }
    routers.push({ name: factory.name, scorer, trainedOn: await declared.trainedPrompts() });
  }
  // Routers learned prompts as their bounded routing text: the split and the in-sample count key on that.
  const key = (prompt: string) => boundedRoutingText(prompt);
  const selection = splitSelection(benchmark.prompts, benchmark.title, flags.split as Split, routers, key);
  const scored = selection ? selectMultiRows(benchmark, selection.keep, selection.title, selection.note) : benchmark;
  const keyed = scored.prompts.map(key);
  for (const router of routers) {
    const inSample = inSampleCount(router.trainedOn, keyed);
    if (inSample > 0) warn(`${router.name} was trained on ${inSample} of the ${scored.prompts.length} prompts scored: its row is a training-set score, marked in-sample (the default --split auto leaves those prompts out)`);
  }
  if (flags.plot) await checkOutputFiles(output, Object.values(plotFileNames(scored.name)), '--output');
  for (const note of scored.notes) log(`${note}\n`);

  const report = await evaluateMulti({
    benchmark: scored,
    routers: routers.map((router) => ({ ...router, ...(router.trainedOn ? { trainedOn: { has: (prompt: string) => router.trainedOn!.has(key(prompt)) } } : {}) })),
    numResults,
    shuffleDraws: shuffles(scored.prompts.length),
    log,
    ...(io.signal ? { signal: io.signal } : {}),
  });
  if (flags.plot) {
    const [{ writeSpecPlot }, { multiPlotSpec }] = await Promise.all([import('../../eval/render/write-plot.js'), import('../../eval/multi/multi-plot-spec.js')]);
    const paths = await writeSpecPlot(multiPlotSpec(report), scored.name, output);
    log(`wrote ${paths.svg} and ${paths.png}\n`);
  }
  if (flags.json) io.stdout.write(`${JSON.stringify(multiReportJson(report))}\n`);
  else io.stdout.write(await multiReportTable(report, { colour: useColour(io.stdout, io.env), width: outputColumns(io.stdout, io.env) }));
}
