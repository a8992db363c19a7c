import type { ModelPrice } from '../config/config-sections.js';

/** Token counts from an upstream `usage` object. */
export interface TokenUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/**
 * List prices in USD per million input/output tokens. Prices change: override them under
 * `prices:` in the config file. Each group says where its prices come from and when.
 */
export const DEFAULT_PRICES: Readonly<Record<string, ModelPrice>> = {
  // OpenAI: https://openai.com/api/pricing/, as the table was first written (2025); not re-checked since.
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
  // Together AI serverless: https://www.together.ai/pricing (2025). Mixtral is the RouteLLM paper's weak
  // model, usually served from Together.
  'mistralai/Mixtral-8x7B-Instruct-v0.1': { input: 0.6, output: 0.6 },
  'mistralai/Mistral-7B-Instruct-v0.2': { input: 0.2, output: 0.2 },
  'meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo': { input: 0.18, output: 0.18 },
  'meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo': { input: 0.88, output: 0.88 },
  // Groq: https://groq.com/pricing (2025).
  'llama-3.1-8b-instant': { input: 0.05, output: 0.08 },
  'llama-3.3-70b-versatile': { input: 0.59, output: 0.79 },
  'mixtral-8x7b-32768': { input: 0.24, output: 0.24 },
  // Mistral: https://mistral.ai/pricing (2025).
  'mistral-small-latest': { input: 0.2, output: 0.6 },
  'mistral-large-latest': { input: 2, output: 6 },
  // Google: https://ai.google.dev/gemini-api/docs/pricing (2025).
  'gemini-1.5-flash': { input: 0.075, output: 0.3 },
  'gemini-2.0-flash': { input: 0.1, output: 0.4 },
  // Anthropic, base input and output (no cache, no batch): https://docs.anthropic.com/en/docs/about-claude/pricing,
  // its "Model pricing" table as read on 2026-12-06 (a stored copy: this machine reaches no web page). Names
  // are the API's without the -YYYYMMDD or -latest suffix, which the lookup drops.
  'claude-opus-4-1': { input: 15, output: 75 },
  'claude-opus-4': { input: 15, output: 75 },
  'claude-sonnet-4': { input: 3, output: 15 },
  'claude-3-7-sonnet': { input: 3, output: 15 },
  'claude-3-5-sonnet': { input: 3, output: 15 },
  'claude-3-5-haiku': { input: 0.8, output: 4 },
  'claude-3-opus': { input: 15, output: 75 },
  'claude-3-haiku': { input: 0.25, output: 1.25 },
  // Anthropic's 4.5 models are not on that copy of the page: from the same page as quoted by the synaps crate's
  // pricing module (docs.rs/synaps 0.10.2, "verified 2026-10-10") and deploybase.ai/articles/claude-api-pricing
  // (2026-03-21), which agree; read on 2026-12-06.
  'claude-sonnet-4-5': { input: 3, output: 15 },
  'claude-haiku-4-5': { input: 1, output: 5 },
  'claude-opus-4-5': { input: 5, output: 25 },
};

/**
 * Providers that run on the user's own machine: their models cost nothing per token unless the
 * config says otherwise, so serve neither warns about their price nor calls the saving unknown.
 */
export const LOCAL_PROVIDER_PREFIXES: readonly string[] = ['ollama', 'ollama_chat', 'lm_studio'];

const FREE: ModelPrice = { input: 0, output: 0 };

/** A dated or moving alias at the end of a model id: Anthropic's `-20241022`, `-latest`. */
const VERSION_SUFFIX = /-(?:latest|\d{8})$/;

/**
 * Looks models up in the default prices merged with the config's `prices:`. A name is tried
 * as given, then without its provider prefix (`groq/llama-3.1-8b-instant` ->
 * `llama-3.1-8b-instant`), then by its last path segment, case-insensitively; each also
 * without a trailing `-latest` or `-YYYYMMDD` (`claude-3-5-sonnet-20241022` -> `claude-3-5-sonnet`).
 * A model behind a local provider (`ollama/`, `ollama_chat/`, `lm_studio/`) not found so is free.
 */
export class PriceTable {
  readonly #prices = new Map<string, ModelPrice>();
  readonly #looked = new Map<string, ModelPrice | null>();

  constructor(overrides: Readonly<Record<string, ModelPrice>> = {}, defaults: Readonly<Record<string, ModelPrice>> = DEFAULT_PRICES) {
    for (const [model, price] of Object.entries({ ...defaults, ...overrides })) this.#prices.set(model.toLowerCase(), price);
  }

  /** The price of `model`, or undefined when it is not in the table. */
  priceOf(model: string): ModelPrice | undefined {
    // Asked twice per answered request, for the same few names: looked up once each.
    const known = this.#looked.get(model);
    if (known !== undefined) return known ?? undefined;
    const price = this.#lookUp(model);
    if (this.#looked.size < 1000) this.#looked.set(model, price ?? null);
    return price;
  }

  #lookUp(model: string): ModelPrice | undefined {
    const name = model.toLowerCase();
    const slash = name.indexOf('/');
    const names = [name, ...(slash >= 0 ? [name.slice(slash + 1)] : []), name.slice(name.lastIndexOf('/') + 1)];
    for (const candidate of names) {
      const price = this.#prices.get(candidate) ?? this.#prices.get(candidate.replace(VERSION_SUFFIX, ''));
      if (price !== undefined) return price;
    }
    return slash > 0 && LOCAL_PROVIDER_PREFIXES.includes(name.slice(0, slash)) ? FREE : undefined;
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
