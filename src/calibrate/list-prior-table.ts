import { join } from 'node:path';
import { estimateTokens, type ListPrior, type ModelScorer, type RouterContext } from '../core/index.js';

/** Format tag of a list router's prior table; bump when the layout changes. */
export const LIST_PRIOR_FORMAT = 'routellm-list-prior/1';

/** Training prompts a prior table holds: more than the default share window (200), so it can start one full. */
export const LIST_PRIOR_PROMPTS = 400;

/**
 * A router over a list of models' predictions on a sample of its own training prompts
 * (`datasets/calibration/list-prior-<router>.json`, made by `npm run calibration:lists`): where a
 * cost share (`router-knn-30%`) starts before live traffic has filled its window. It holds
 * qualities, not knobs, so one table serves any list the router scores and any prices: the
 * list picks its models' columns and cuts the knob at its own costs.
 */
export interface ListPriorTable {
  readonly format: typeof LIST_PRIOR_FORMAT;
  readonly router: string;
  /** The router's weights; a table of other weights is not used. */
  readonly fingerprint: string;
  /** The router's models, the columns of `qualities`. */
  readonly models: readonly string[];
  /** Where the prompts come from. */
  readonly source: string;
  /** Per prompt, its estimated input tokens (what it costs is priced at these, and the typical answer out). */
  readonly input_tokens: readonly number[];
  /** Per prompt, each model's predicted quality (4 decimals), lowest sha1 first. */
  readonly qualities: readonly (readonly number[])[];
}

/** The table for a scorer's predictions on `prompts`. */
export async function buildListPriorTable(scorer: ModelScorer, prompts: readonly string[], source: string): Promise<ListPriorTable> {
  const qualities: number[][] = [];
  for (const prompt of prompts) qualities.push(Array.from(await scorer.scores(prompt), (q) => Math.round(q * 1e4) / 1e4));
  return { format: LIST_PRIOR_FORMAT, router: scorer.name, fingerprint: scorer.fingerprint, models: scorer.models, source, input_tokens: prompts.map(estimateTokens), qualities };
}

/** The table as shipped: one line per prompt, so a rebuild's diff is readable. */
export function listPriorTableText(table: ListPriorTable): string {
  const { qualities, input_tokens: inputTokens, ...head } = table;
  const rows = qualities.map((row) => `    ${JSON.stringify(row)}`).join(',\n');
  return `${JSON.stringify(head, null, 2).replace(/\n}$/, '')},\n  "input_tokens": ${JSON.stringify(inputTokens)},\n  "qualities": [\n${rows}\n  ]\n}\n`;
}

/** Where a shipped router's prior table lives inside the package's `datasets/`. */
export function listPriorTablePath(datasetsDir: string, router: string): string {
  return join(datasetsDir, 'calibration', `list-prior-${router}.json`);
}

/**
 * The shipped prior of `scorer`: each training prompt's qualities in the scorer's model order, and its input tokens.
 * Undefined when there is none (a router of your own: its shares start on live traffic); the
 * reason as a string when the table exists but cannot serve (other weights, damaged).
 */
export async function readListPrior(scorer: ModelScorer, context: Pick<RouterContext, 'readFile' | 'datasetsDir'>): Promise<ListPrior | string | undefined> {
  const path = listPriorTablePath(context.datasetsDir, scorer.name);
  let table: Partial<ListPriorTable>;
  try {
    table = JSON.parse(new TextDecoder().decode(await context.readFile(path))) as Partial<ListPriorTable>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return `${path} cannot be read as a list prior table (${(error as Error).message})`;
  }
  if (table.format !== LIST_PRIOR_FORMAT || !Array.isArray(table.qualities) || !Array.isArray(table.models)) return `${path} is not a list prior table (${LIST_PRIOR_FORMAT})`;
  if (table.fingerprint !== scorer.fingerprint) return `${path} was made for other weights of router "${scorer.name}"; run npm run calibration:lists`;
  const width = scorer.models.length;
  if (table.models.join('\0') !== scorer.models.join('\0') || !table.qualities.every((row) => Array.isArray(row) && row.length === width && row.every((q) => typeof q === 'number' && q >= 0 && q <= 1))) {
    return `${path} does not hold a quality in [0, 1] for each of router "${scorer.name}"'s ${width} models per prompt`;
  }
  const tokens = table.input_tokens;
  if (!Array.isArray(tokens) || tokens.length !== table.qualities.length || !tokens.every((n) => Number.isInteger(n) && n >= 0)) return `${path} does not hold each prompt's input tokens`;
  return { qualities: table.qualities.map((row) => Float64Array.from(row)), inputTokens: tokens };
}
