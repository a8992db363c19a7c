import { estimateTokens } from '../core/index.js';
import { costAt, type PriceTable } from '../upstream/price-table.js';
import { JUDGE_SYSTEM_MESSAGE } from './judge-prompt.js';

/** The three models of a labelling run. */
export interface LabelModels {
  readonly strong: string;
  readonly weak: string;
  readonly judge: string;
}

/** What the estimate assumes about lengths it cannot know before the calls. */
export interface TokenAssumptions {
  /** Output tokens of each answer: `--max-tokens` when given (a bound), else a typical length. */
  readonly answerTokens: number;
  /** Output tokens of each verdict (a few sentences and the rating). */
  readonly verdictTokens: number;
}

/** Output tokens assumed for an answer when `--max-tokens` does not bound it. */
export const TYPICAL_ANSWER_TOKENS = 512;
/** Output tokens assumed for a verdict. */
export const TYPICAL_VERDICT_TOKENS = 200;

const JUDGE_FRAME_TOKENS = estimateTokens(JUDGE_SYSTEM_MESSAGE) + 30;

/** The tokens of one model's calls, and their price (undefined when the model has none). */
export interface ModelEstimate {
  readonly role: 'strong' | 'weak' | 'judge';
  readonly model: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly usd: number | undefined;
}

/** The estimate shown before any call. */
export interface LabelCostEstimate {
  readonly prompts: number;
  readonly models: readonly ModelEstimate[];
  /** Total USD; undefined when a model has no price. */
  readonly usd: number | undefined;
  /** Models without a price in the table (add them under `prices:` in --config). */
  readonly unpriced: readonly string[];
}

/** Tokens of the three calls one prompt makes: both answers, then the judge reading both. */
function promptTokens(prompt: string, assumptions: TokenAssumptions): Record<ModelEstimate['role'], { input: number; output: number }> {
  const input = estimateTokens(prompt);
  return {
    strong: { input, output: assumptions.answerTokens },
    weak: { input, output: assumptions.answerTokens },
    judge: { input: JUDGE_FRAME_TOKENS + input + 2 * assumptions.answerTokens, output: assumptions.verdictTokens },
  };
}

/** Estimated tokens and cost of labelling `prompts`: token estimate x the price table, per model. */
export function estimateLabelCost(prompts: readonly string[], models: LabelModels, prices: PriceTable, assumptions: TokenAssumptions): LabelCostEstimate {
  const totals = { strong: { input: 0, output: 0 }, weak: { input: 0, output: 0 }, judge: { input: 0, output: 0 } };
  for (const prompt of prompts) {
    const tokens = promptTokens(prompt, assumptions);
    for (const role of ['strong', 'weak', 'judge'] as const) {
      totals[role].input += tokens[role].input;
      totals[role].output += tokens[role].output;
    }
  }
  const estimates = (['strong', 'weak', 'judge'] as const).map((role): ModelEstimate => {
    const model = models[role];
    const price = prices.priceOf(model);
    const { input, output } = totals[role];
    return { role, model, inputTokens: input, outputTokens: output, usd: price === undefined ? undefined : costAt(price, { inputTokens: input, outputTokens: output }) };
  });
  const unpriced = [...new Set(estimates.filter((e) => e.usd === undefined).map((e) => e.model))];
  const usd = unpriced.length > 0 ? undefined : estimates.reduce((sum, e) => sum + (e.usd ?? 0), 0);
  return { prompts: prompts.length, models: estimates, usd, unpriced };
}

/** The estimated USD of one prompt (what `--max-cost` reserves before starting it); undefined without prices. */
export function estimatePromptCost(prompt: string, models: LabelModels, prices: PriceTable, assumptions: TokenAssumptions): number | undefined {
  return estimateLabelCost([prompt], models, prices, assumptions).usd;
}
