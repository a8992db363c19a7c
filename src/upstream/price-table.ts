import type { ModelPrice } from '../config/config-sections.js';

/** Token counts from an upstream `usage` object. */
export interface TokenUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/**
 * List prices in USD per million input/output tokens. Sources: the providers' public
 * pricing pages (OpenAI, Groq, Together AI, Google, Mistral) as of 2025; the
 * Mixtral price is Together AI's serverless rate, the provider the RouteLLM paper's
 * weak model is usually served from. Prices change: override them under `prices:` in
 * the config file.
 */
export const DEFAULT_PRICES: Readonly<Record<string, ModelPrice>> = {
  'gpt-4-1106-preview': { input: 10, output: 30 },
  'gpt-4-turbo': { input: 10, output: 30 },
  'gpt-4': { input: 30, output: 60 },
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'gpt-3.5-turbo': { input: 0.5, output: 1.5 },
  'o3-mini': { input: 1.1, output: 4.4 },
  'mistralai/Mixtral-8x7B-Instruct-v0.1': { input: 0.6, output: 0.6 },
  'mistralai/Mistral-7B-Instruct-v0.2': { input: 0.2, output: 0.2 },
  'meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo': { input: 0.18, output: 0.18 },
  'meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo': { input: 0.88, output: 0.88 },
  'llama-3.1-8b-instant': { input: 0.05, output: 0.08 },
  'llama-3.3-70b-versatile': { input: 0.59, output: 0.79 },
  'mixtral-8x7b-32768': { input: 0.24, output: 0.24 },
  'mistral-small-latest': { input: 0.2, output: 0.6 },
  'mistral-large-latest': { input: 2, output: 6 },
  'gemini-1.5-flash': { input: 0.075, output: 0.3 },
  'gemini-2.0-flash': { input: 0.1, output: 0.4 },
};

/**
 * Looks models up in the default prices merged with the config's `prices:`. A name is tried
 * as given, then without its provider prefix (`groq/llama-3.1-8b-instant` ->
 * `llama-3.1-8b-instant`), then by its last path segment, case-insensitively.
 */
export class PriceTable {
  readonly #prices = new Map<string, ModelPrice>();

  constructor(overrides: Readonly<Record<string, ModelPrice>> = {}, defaults: Readonly<Record<string, ModelPrice>> = DEFAULT_PRICES) {
    for (const [model, price] of Object.entries({ ...defaults, ...overrides })) this.#prices.set(model.toLowerCase(), price);
  }

  /** The price of `model`, or undefined when it is not in the table. */
  priceOf(model: string): ModelPrice | undefined {
    const name = model.toLowerCase();
    const slash = name.indexOf('/');
    return (
      this.#prices.get(name) ??
      (slash >= 0 ? this.#prices.get(name.slice(slash + 1)) : undefined) ??
      this.#prices.get(name.slice(name.lastIndexOf('/') + 1))
    );
  }

  /** USD for `usage` on `model`, or undefined when the model has no price. */
  costOf(model: string, usage: TokenUsage): number | undefined {
    const price = this.priceOf(model);
    return price === undefined ? undefined : costAt(price, usage);
  }
}

/** USD for `usage` at `price`. */
export function costAt(price: ModelPrice, usage: TokenUsage): number {
  return (usage.inputTokens * price.input + usage.outputTokens * price.output) / 1_000_000;
}

/**
 * Reads OpenAI's `usage` object (`prompt_tokens`, `completion_tokens`); undefined when
 * absent or not made of non-negative integers, so bad upstream data never poisons the totals.
 */
export function readUsage(usage: unknown): TokenUsage | undefined {
  if (typeof usage !== 'object' || usage === null) return undefined;
  const record = usage as Record<string, unknown>;
  const input = record['prompt_tokens'];
  const output = record['completion_tokens'] ?? 0;
  if (!isCount(input) || !isCount(output)) return undefined;
  return { inputTokens: input, outputTokens: output };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
