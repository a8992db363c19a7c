import { ConfigError } from '../errors.js';
import type { ModelPair } from '../model-pair.js';
import { checkCostOrder } from './check-cost-order.js';
import { TYPICAL_REQUEST_TOKENS } from './request-tokens.js';

/** A price in USD per million input and output tokens. */
export interface TokenPrice {
  readonly input: number;
  readonly output: number;
}

/** One model of an ordered list, as the config file's `models:` list declares it. */
export interface ModelEntry {
  /** The model name clients see and upstreams receive (with `provider`, sent as `<provider>/<name>`). */
  readonly name: string;
  /** A provider prefix (`groq`, `together`, one under `providers:`) the model is sent through. */
  readonly provider?: string | undefined;
  /** An OpenAI-compatible base URL the model is sent to, its name unchanged. */
  readonly baseUrl?: string | undefined;
  /** The environment variable holding the key for `baseUrl`; none: no key is sent. */
  readonly apiKeyEnv?: string | undefined;
  /** USD per million tokens; undefined only for the two-model pair, whose prices may be unknown. */
  readonly price: TokenPrice | undefined;
  readonly tags: readonly string[];
  /** The name a router scores this model by, when it is not `name` (a router trained on other names). */
  readonly scoredAs?: string | undefined;
}

/**
 * An ordered list of models, cheapest first; the last is the reference, the strongest model,
 * whose bill is the "all-strongest" bill (see choose-model.ts).
 */
export type ModelList = readonly ModelEntry[];

/** The pair a list stands for where two seats are asked for (spend, budgets): the cheapest model and the reference. */
export function pairOfModelList(list: ModelList): ModelPair {
  return { weak: (list[0] as ModelEntry).name, strong: (list[list.length - 1] as ModelEntry).name };
}

/**
 * Checks a list: at least two models, distinct names, a price on each, cheapest first (on the
 * typical request; equal costs in any order). Throws a ConfigError naming the bad entry (`where`
 * is how the source names the list, e.g. `config.yaml: models`).
 */
export function checkModelList(list: ModelList, where: string): ModelList {
  if (list.length < 2) {
    throw new ConfigError(`${where} must list at least two models, cheapest first (got ${list.length}); for one model, call it directly`);
  }
  const seen = new Set<string>();
  list.forEach((entry, index) => {
    if (typeof entry?.name !== 'string' || entry.name.trim() === '') throw new ConfigError(`${where}[${index}] has no name; give each model a non-empty name`);
    if (seen.has(entry.name)) throw new ConfigError(`${where}[${index}]: model "${entry.name}" is listed twice; list each model once`);
    seen.add(entry.name);
    const price = entry.price;
    if (price === undefined) {
      throw new ConfigError(`${where}[${index}] ("${entry.name}") has no price; give it price: { input: <USD per 1M tokens>, output: <USD per 1M tokens> }`);
    }
    for (const side of ['input', 'output'] as const) {
      const value = price[side];
      if (!(Number.isFinite(value) && value >= 0)) {
        throw new ConfigError(`${where}[${index}] ("${entry.name}"): price.${side} must be a non-negative number of USD per million tokens, got ${JSON.stringify(value)}`);
      }
    }
  });
  // Input and output prices may rank two models differently: the typical request, the rule's unit, decides.
  const { input, output } = TYPICAL_REQUEST_TOKENS;
  const perThousand = Float64Array.from(expectedCosts(list, input, output), (cost) => cost * 1000);
  checkCostOrder(list.map((entry) => entry.name), perThousand, where, `per 1,000 typical requests: ${input.toLocaleString('en-US')} tokens in, ${output} out`);
  return list;
}

/**
 * Each model's expected cost of one request of `inputTokens` in and `outputTokens` out, in list
 * order: what the rule weighs (a router cannot know an answer's length before it is written).
 */
export function expectedCosts(list: ModelList, inputTokens: number, outputTokens: number): Float64Array {
  return Float64Array.from(list, (entry) => {
    const price = entry.price;
    return price === undefined ? 0 : (inputTokens * price.input + outputTokens * price.output) / 1_000_000;
  });
}

/**
 * Where each model of the list sits in a router's score vector: the router's models by name
 * (`scoredAs`, else `name`). A model the router does not score is a ConfigError naming the ones it does
 * and the fix (`fix`; by default, scored_as: in the list's entry).
 */
export function scoreColumns(list: ModelList, scored: readonly string[], router: string, where: string, fix = 'name one of them with scored_as: in the entry'): Int32Array {
  const at = new Map(scored.map((model, index) => [model, index]));
  return Int32Array.from(list, (entry, index) => {
    const key = entry.scoredAs ?? entry.name;
    const column = at.get(key);
    if (column === undefined) {
      throw new ConfigError(
        `${where}[${index}]: router "${router}" does not score "${key}"; it scores ${scored.map((model) => JSON.stringify(model)).join(', ')}; ` +
          fix,
      );
    }
    return column;
  });
}
