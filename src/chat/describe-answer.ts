import type { PriceTable } from '../upstream/price-table.js';
import type { ChatAnswer } from './chat-backend.js';

/**
 * The line `routellm chat` prints above an answer: the model that answered and on which side, the
 * strong win rate against the threshold, the router, the latency and the cost, e.g.
 * `gpt-4o (strong) · win rate 0.612 ≥ 0.405 · difficulty · 812 ms (first text 95 ms) · $0.00042`; over a
 * `models:` list, the answering model's predicted quality and the knob: `yi-34b · quality 0.912 · knob 0.2 · knn · ...`.
 * The cost is the answer's tokens at `prices` (a serve's, else the built-in table and the config's `prices:`);
 * it says why when it cannot be known, `noPrice` saying where a price would have come from.
 */
export function describeAnswer(answer: ChatAnswer, latency: { totalMs: number; firstTextMs: number | undefined }, prices: PriceTable, noPrice: string = NO_PRICE_IN_PROCESS): string {
  const rate = answer.strongWinRate;
  // Over a models: list there is no strong win rate: the answering model's predicted quality and the knob say it.
  const strong = rate !== undefined && rate >= answer.threshold;
  const side = answer.fallbackFrom !== undefined ? ` (fallback from ${answer.fallbackFrom})` : rate === undefined ? '' : strong ? ' (strong)' : ' (weak)';
  const listed = answer.quality === undefined || Number.isNaN(answer.quality) ? `threshold ${+answer.threshold.toFixed(4)}` : `quality ${answer.quality.toFixed(3)} · knob ${+answer.threshold.toFixed(4)}`;
  const comparison = rate === undefined ? listed : `win rate ${rate.toFixed(3)} ${strong ? '≥' : '<'} ${+answer.threshold.toFixed(4)}`;
  return [`${answer.model}${side}`, comparison, answer.router, latencyText(latency), costText(answer, prices, noPrice)].join(' · ');
}

/** "1624 ms (first text 812 ms)": the whole answer, and how long its first text took to come. */
function latencyText(latency: { totalMs: number; firstTextMs: number | undefined }): string {
  const total = `${Math.round(latency.totalMs)} ms`;
  return latency.firstTextMs === undefined ? total : `${total} (first text ${Math.round(latency.firstTextMs)} ms)`;
}

/** In-process, a price comes from the built-in table and --config. */
export const NO_PRICE_IN_PROCESS = 'add it under prices: in --config';

/**
 * Through a serve: prices come from the serve (its /v1/routellm/stats), then --config; `served` says
 * whether the serve gave any (one from before the field gives none).
 */
export function noPriceThroughServe(where: string, served: boolean): string {
  return served
    ? `neither the serve at ${where} nor --config prices it; add it under prices: in serve's config`
    : `the serve at ${where} gave no prices (GET /routellm/stats) and --config has none for it; add it under prices: in --config`;
}

function costText(answer: ChatAnswer, prices: PriceTable, noPrice: string): string {
  if (answer.usage === undefined) return 'cost unknown (no usage in the answer)';
  const cost = prices.costOf(answer.model, answer.usage);
  if (cost === undefined) return `cost unknown (no price for ${answer.model}; ${noPrice})`;
  return `$${formatUsd(cost)}`;
}

/** Two significant digits below a cent, four decimals above: $0.00042, $0.0315. */
function formatUsd(usd: number): string {
  if (usd === 0) return '0';
  return usd < 0.01 ? usd.toFixed(Math.min(12, 1 - Math.floor(Math.log10(usd)))) : usd.toFixed(4);
}
