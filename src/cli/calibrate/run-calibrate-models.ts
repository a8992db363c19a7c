import { resolve } from 'node:path';
import { boundedRoutingText, checkCostOrder, checkModelList, costScale, knobForCostShare, promptTokens, requestCosts, scoreColumns, shortfalls, typicalCostUnit, UsageError, weightedCostShareCurve, type ModelEntry, type PricedShortfalls } from '../../core/index.js';
import { formatSharePercent, parseShare, sharePercent } from '../../calibrate/parse-share.js';
import { readPromptChunks } from '../../calibrate/read-prompt-file.js';
import { sharePromptCountCheck } from '../../calibrate/share-sample-size.js';
import { loadConfig } from '../../config/load-config.js';
import { checkModelScorerName, DEFAULT_MODEL_SCORER, modelScorerFactory } from '../../routers/multi/model-scorers.js';
import { fsUsageError, isFsError } from '../../runtime/output-path.js';
import { nodeRouterContext } from '../../runtime/node-router-context.js';
import { PriceTable } from '../../upstream/price-table.js';
import type { CalibrateFlags } from './calibrate-command.js';
import type { CliIo } from '../io.js';

/**
 * `routellm calibrate --models a,b,c`: for each router over a list, the knob that spends the cost
 * share (`--strong-model-pct`, here a share of the way from the all-cheapest to the all-strongest
 * bill) on `--prompts`, as `router-<r>-<share>%` does on serve's traffic. The models run cheapest
 * first; names from the config's `models:` list take its prices and scored_as, others their price
 * from the table, and without prices for all, the router's mean cost per training prompt.
 */
export async function runCalibrateModels(flags: CalibrateFlags, io: CliIo): Promise<void> {
  for (const [flag, given] of [['--write-table', flags.writeTable], ['--table', flags.table], ['--data', flags.data], ['--task', flags.task]] as const) {
    if (given !== undefined) throw new UsageError(`--models prints the knob for a cost share over --prompts and takes no ${flag}`);
  }
  const names = modelNames(flags.models as string);
  const routers = flags.routers ?? [DEFAULT_MODEL_SCORER];
  for (const router of routers) checkModelScorerName(router);
  if (flags.strongModelPct === undefined) throw new UsageError('--models needs --strong-model-pct: the cost share, e.g. 30% of the way from the all-cheapest to the all-strongest bill');
  const share = parseShare(flags.strongModelPct);
  if (flags.prompts === undefined) throw new UsageError('--models needs --prompts FILE: the knob for a cost share depends on the traffic, so give prompts like yours');
  const config = await loadConfig(flags.config, io.env, io.cwd);
  const prices = new PriceTable(config.prices);
  const listed = config.models?.list;
  const entries: ModelEntry[] = names.map((name) => {
    const entry = listed?.find((candidate) => candidate.name === name);
    if (listed && !entry) throw new UsageError(`--models: "${name}" is not in the models: list of ${config.path}; it has ${listed.map((model) => JSON.stringify(model.name)).join(', ')}`);
    return { name, scoredAs: entry?.scoredAs, price: entry?.price ?? prices.priceOf(name), tags: [] };
  });
  // The config's whole list (given or taken by default) is named as the file names it.
  const where = listed && config.path !== undefined && names.join(',') === listed.map((entry) => entry.name).join(',') ? `${config.path}: models` : '--models';
  if (entries.every((entry) => entry.price !== undefined)) checkModelList(entries, where);
  const prompts = await readPrompts(resolve(io.cwd, flags.prompts), flags.prompts, flags.column ?? 'prompt');
  const warning = sharePromptCountCheck(prompts.length, `--prompts ${flags.prompts}`, share);
  if (warning !== undefined) io.stderr.write(`routellm: warning: ${warning}\n`);
  const context = nodeRouterContext({ env: io.env, cwd: io.cwd, fetch: io.fetch, stderr: io.stderr });
  // Without a config list, a name is the router's own (no entry can say scored_as:).
  const fix = listed ? undefined : `name the router's models in --models, or give --config with a models: list whose entries say which each is with scored_as:`;
  for (const router of routers) {
    const scorer = await (await modelScorerFactory(router)).create(config.routers[router] ?? {}, context);
    const columns = scoreColumns(entries, scorer.models, router, '--models', fix);
    const costOf = costsOf(entries, columns, scorer.meanCostUsd);
    const rows: PricedShortfalls[] = [];
    for (const prompt of prompts) {
      const scores = await scorer.scores(boundedRoutingText(prompt));
      rows.push({ losses: shortfalls(Float64Array.from(columns, (column) => scores[column] as number), entries.length - 1), ...costOf(prompt) });
    }
    const knob = knobForCostShare(weightedCostShareCurve(rows), share);
    io.stdout.write(
      flags.json
        ? `${JSON.stringify({ router, models: names, cost_share_pct: sharePercent(share), knob, n: prompts.length })}\n`
        : `For a ${formatSharePercent(share)} cost share over ${names.join(', ')} for ${router}, knob = ${Number(knob.toFixed(5))} (router-${router}-${Number(knob.toFixed(5))}; ${prompts.length} prompts)\n`,
    );
  }
}

function modelNames(raw: string): string[] {
  const names = raw.split(',').map((name) => name.trim());
  if (names.length < 2 || names.some((name) => name === '')) throw new UsageError(`--models must name two models or more, cheapest first, separated by commas; got ${JSON.stringify(raw)}`);
  const twice = names.find((name, index) => names.indexOf(name) !== index);
  if (twice !== undefined) throw new UsageError(`--models names "${twice}" twice; name each model once`);
  return names;
}

/**
 * Each prompt's costs on the rule's scale: with every model priced, priced at the prompt's own
 * tokens as serve prices a request (the prompt in, the typical answer out); else the router's mean
 * cost per training prompt, the same for every prompt.
 */
function costsOf(entries: readonly ModelEntry[], columns: Int32Array, meanCostUsd: readonly number[] | undefined): (prompt: string) => { scaled: Float64Array; step: number } {
  if (entries.every((entry) => entry.price !== undefined)) {
    const unit = typicalCostUnit(entries);
    return (prompt) => requestCosts(entries, promptTokens(prompt), unit);
  }
  if (meanCostUsd) {
    const names = entries.map((entry) => entry.name);
    checkCostOrder(names, Float64Array.from(columns, (column) => (meanCostUsd[column] as number) * 1000), '--models', "per 1,000 of the router's training prompts", 'measured');
    const scaled = costScale(Float64Array.from(columns, (column) => meanCostUsd[column] as number), entries.length - 1);
    return () => ({ scaled, step: 1 });
  }
  const missing = entries.find((entry) => entry.price === undefined) as ModelEntry;
  throw new UsageError(`--models: "${missing.name}" has no price; add it under prices: (or in the models: list) of --config`);
}

async function readPrompts(path: string, label: string, column: string): Promise<string[]> {
  const prompts: string[] = [];
  try {
    for await (const chunk of readPromptChunks(path, column)) prompts.push(...chunk.prompts);
  } catch (error) {
    if (isFsError(error)) throw fsUsageError(error, 'read', `--prompts ${label}`);
    throw error;
  }
  if (prompts.length === 0) throw new UsageError(`no prompts in ${label}`);
  return prompts;
}
