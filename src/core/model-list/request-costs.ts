import { costSpan, scaleCosts } from './choose-model.js';
import { expectedCosts, type ModelList } from './model-list.js';
import { TYPICAL_REQUEST_TOKENS, type RequestTokens } from './request-tokens.js';

/** One request's costs as the rule weighs them (docs/multi-model.md, "Expected cost from the request"). */
export interface RequestCosts {
  /** Each model's price for the request's tokens, USD, list order. */
  readonly costs: Float64Array;
  /** Those costs on the rule's scale: above the cheapest, in units of the typical request's step. */
  readonly scaled: Float64Array;
  /** The request's all-cheapest to all-strongest step in those units (1 for a typical request). */
  readonly step: number;
}

/**
 * The rule's unit of cost for a priced list: the step from the cheapest model to the reference on a
 * request of TYPICAL_REQUEST_TOKENS (0 when every model costs the same there).
 */
export function typicalCostUnit(list: ModelList): number {
  return costSpan(expectedCosts(list, TYPICAL_REQUEST_TOKENS.input, TYPICAL_REQUEST_TOKENS.output), list.length - 1);
}

/**
 * A request's costs on every model at its own tokens, put on the scale whose unit is `unit`
 * (typicalCostUnit): a request that costs k times the typical one lies k times as far apart, so the
 * knob keeps one meaning (what the typical request's step is worth) whatever the request's length.
 */
export function requestCosts(list: ModelList, tokens: RequestTokens, unit: number): RequestCosts {
  const costs = expectedCosts(list, tokens.input, tokens.output);
  return { costs, scaled: scaleCosts(costs, unit), step: unit > 0 ? costSpan(costs, list.length - 1) / unit : 0 };
}
