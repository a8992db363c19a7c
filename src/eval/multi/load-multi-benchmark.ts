import { basename, extname } from 'node:path';
import { UsageError } from '../../core/index.js';
import type { ModelPrice } from '../../config/config-sections.js';
import { costAt, PriceTable } from '../../upstream/price-table.js';
import { unwrapPythonListPrompt } from '../benchmarks/python-list-prompt.js';
import { NON_MODEL_COLUMN } from '../benchmarks/model-columns.js';
import { parseScoreCell } from '../benchmarks/parse-score.js';
import { readCsvTable } from '../benchmarks/read-csv.js';
import type { MultiBenchmark } from './multi-benchmark.js';

/** RouterBench's cost column of a model. */
export const costColumn = (model: string) => `${model}|total_cost`;
/** RouterBench's answer column of a model (its length estimates output tokens when no cost column). */
const responseColumn = (model: string) => `${model}|model_response`;

/** Characters per token for cost estimates from the price table: the usual rule of thumb for English. */
const CHARS_PER_TOKEN = 4;

/** What the caller knows about the columns beyond their names (a config's `models:` list). */
export interface MultiColumnOptions {
  /** Prices that replace a column's `<model>|total_cost` (a list entry's own price: what the model is served at). */
  readonly fixedPrices?: ReadonlyMap<string, ModelPrice>;
  /** Where the missing columns' names came from, said after them (default: `--models names columns`). */
  readonly namedBy?: (missing: readonly string[]) => string;
  /** Where the fixed prices came from, for the note (default: the models: list). */
  readonly fixedPricesFrom?: string;
}

/**
 * Reads a benchmark over many models from a CSV in RouterBench's layout: a `prompt` column (Python
 * list literals unwrapped), one score column per model (True/False or numbers), and
 * `<model>|total_cost` in USD. A model without a cost column is priced from the price table
 * (`prices` overrides the defaults, as the config's `prices:` does): input tokens estimated from
 * the prompt, output tokens from `<model>|model_response` when present (else none, and a note says
 * so). Rows with an empty score or cost cell for a listed model are left out, with a note
 * (RouterBench's ARC file has a few); any other bad cell is an error naming its row and column.
 */
export async function loadMultiBenchmark(
  path: string,
  models: readonly string[],
  prices: Readonly<Record<string, ModelPrice>> = {},
  options: MultiColumnOptions = {},
): Promise<MultiBenchmark> {
  if (models.length < 2) throw new UsageError(`--models needs at least two models, got ${models.length}`);
  const twice = models.find((model, i) => models.indexOf(model) !== i);
  if (twice) throw new UsageError(`--models names "${twice}" twice`);
  const table = await readCsvTable(path);
  if (!table.fields.includes('prompt')) throw new UsageError(`${path}: no "prompt" column; columns are: ${table.fields.join(', ')}`);
  const missing = models.filter((model) => !table.fields.includes(model));
  if (missing.length > 0) {
    const known = table.fields.filter((field) => !NON_MODEL_COLUMN.test(field));
    const namedBy = options.namedBy?.(missing) ?? '--models names columns';
    throw new UsageError(`${path}: no score column for ${missing.map((m) => `"${m}"`).join(', ')} (${namedBy}); the model columns are: ${known.join(', ')}`);
  }
  if (table.rows.length === 0) throw new UsageError(`${path} has a header line and no rows: nothing to evaluate`);
  const priceTable = new PriceTable(prices);
  const priced = new Map<string, ModelPrice>();
  const fixed = options.fixedPrices ?? new Map<string, ModelPrice>();
  for (const model of models) {
    const own = fixed.get(model);
    if (own) {
      priced.set(model, own);
      continue;
    }
    if (table.fields.includes(costColumn(model))) continue;
    const price = priceTable.priceOf(model);
    if (!price) {
      throw new UsageError(`${path}: no "${costColumn(model)}" column and no price for "${model}"; add the column, or the model's price under prices: in --config`);
    }
    priced.set(model, price);
  }
  const prompts: string[] = [];
  const scores: number[] = [];
  const costs: number[] = [];
  let allBoolean = true;
  let dropped = 0;
  const noResponse = new Set<string>();
  table.rows.forEach((row, index) => {
    const where = `${path}: record ${index + 2}`;
    const raw = row['prompt'] ?? '';
    if (raw.trim() === '') throw new UsageError(`${where}: the "prompt" cell is empty; every row needs a prompt`);
    const blank = (cell: string | undefined) => cell === undefined || cell.trim() === '';
    if (models.some((model) => blank(row[model]) || (!priced.has(model) && blank(row[costColumn(model)])))) {
      dropped += 1;
      return;
    }
    const prompt = unwrapPythonListPrompt(raw);
    prompts.push(prompt);
    for (const model of models) {
      const score = parseScoreCell(row[model], `${where}, column "${model}"`);
      allBoolean &&= score.boolean || score.value === 0 || score.value === 1;
      scores.push(score.value);
      const price = priced.get(model);
      if (price) {
        const response = row[responseColumn(model)];
        if (response === undefined) noResponse.add(model);
        const tokens = (text: string) => Math.ceil(text.length / CHARS_PER_TOKEN);
        costs.push(costAt(price, { inputTokens: tokens(prompt), outputTokens: response === undefined ? 0 : tokens(unwrapPythonListPrompt(response)) }));
      } else {
        const cell = row[costColumn(model)] as string;
        const cost = Number(cell.trim());
        if (!Number.isFinite(cost) || cost < 0) throw new UsageError(`${where}, column "${costColumn(model)}": expected a cost in USD (a number >= 0), got ${JSON.stringify(cell)}`);
        costs.push(cost);
      }
    }
  });
  if (prompts.length === 0) throw new UsageError(`${path}: no row has a score and a cost for every model of --models`);
  const notes = [`${prompts.length} prompts from ${path}`];
  if (dropped > 0) notes.push(`${dropped} rows left out: an empty score or cost cell for one of --models`);
  const fromTable = [...priced.keys()].filter((model) => !fixed.has(model));
  const fromList = [...priced.keys()].filter((model) => fixed.has(model));
  for (const [group, source] of [[fromList, options.fixedPricesFrom ?? "the models: list's prices"], [fromTable, 'the price table']] as const) {
    if (group.length === 0) continue;
    const unanswered = group.filter((model) => noResponse.has(model));
    notes.push(
      `costs of ${group.join(', ')} estimated from ${source} (${CHARS_PER_TOKEN} characters a token)` +
        (unanswered.length > 0 ? `; no answer column for ${unanswered.join(', ')}, so input tokens only` : ''),
    );
  }
  return {
    name: basename(path, extname(path)),
    title: basename(path),
    prompts,
    models: [...models],
    scores: Float64Array.from(scores),
    costs: Float64Array.from(costs),
    scale: allBoolean ? 100 : 1,
    costSources: models.map((model) => (priced.has(model) ? 'prices' : 'column')),
    notes,
  };
}
