import type { ModelPair } from '../core/index.js';
import type { PriceTable, TokenUsage } from './price-table.js';

/** Per-model totals in the stats report. */
export interface ModelSpend {
  requests: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  unpriced_requests: number;
}

/** `GET /v1/routellm/stats`. */
export interface SpendStats {
  readonly object: 'routellm.stats';
  readonly since: string;
  readonly strong_model: string;
  readonly weak_model: string;
  readonly requests: number;
  readonly spend_usd: number;
  /** The same tokens priced at the strong model: what the calls would have cost unrouted. */
  readonly strong_only_spend_usd: number | null;
  readonly saving_usd: number | null;
  /** saving / strong_only_spend, 0..1; null before any priced call. */
  readonly saving_ratio: number | null;
  readonly models: Readonly<Record<string, ModelSpend>>;
}

/** What one recorded response cost. */
export interface RecordedCost {
  readonly costUsd: number | undefined;
  readonly strongOnlyUsd: number | undefined;
}

/**
 * Running spend since the server started: per-model requests, tokens and USD, and the
 * counterfactual spend had every call gone to the strong model (the same token counts
 * at the strong model's price: an estimate, since the strong model would have written
 * its own number of tokens).
 */
export class SpendTracker {
  readonly #prices: PriceTable;
  readonly #pair: ModelPair;
  readonly #since: string;
  readonly #models = new Map<string, ModelSpend>();
  #requests = 0;
  #spend = 0;
  #strongOnly = 0;
  #strongOnlyKnown = false;

  constructor(prices: PriceTable, pair: ModelPair, since: Date) {
    this.#prices = prices;
    this.#pair = pair;
    this.#since = since.toISOString();
  }

  /** Records one answered request. `usage` undefined counts the request with no tokens. */
  record(model: string, usage: TokenUsage | undefined): RecordedCost {
    this.#requests += 1;
    let entry = this.#models.get(model);
    if (entry === undefined) {
      entry = { requests: 0, input_tokens: 0, output_tokens: 0, cost_usd: 0, unpriced_requests: 0 };
      this.#models.set(model, entry);
    }
    entry.requests += 1;
    if (usage === undefined) return { costUsd: undefined, strongOnlyUsd: undefined };
    entry.input_tokens += usage.inputTokens;
    entry.output_tokens += usage.outputTokens;
    const costUsd = this.#prices.costOf(model, usage);
    if (costUsd === undefined) entry.unpriced_requests += 1;
    else {
      entry.cost_usd += costUsd;
      this.#spend += costUsd;
    }
    const strongOnlyUsd = this.#prices.costOf(this.#pair.strong, usage);
    if (strongOnlyUsd !== undefined) {
      this.#strongOnly += strongOnlyUsd;
      this.#strongOnlyKnown = true;
    }
    return { costUsd, strongOnlyUsd };
  }

  /** Strong-only spend minus actual spend so far, in USD (0 before any priced call). */
  get savingUsd(): number {
    return this.#strongOnlyKnown ? this.#strongOnly - this.#spend : 0;
  }

  /** The report for `GET /v1/routellm/stats`. */
  stats(): SpendStats {
    const strongOnly = this.#strongOnlyKnown ? round(this.#strongOnly) : null;
    const saving = strongOnly === null ? null : round(this.#strongOnly - this.#spend);
    return {
      object: 'routellm.stats',
      since: this.#since,
      strong_model: this.#pair.strong,
      weak_model: this.#pair.weak,
      requests: this.#requests,
      spend_usd: round(this.#spend),
      strong_only_spend_usd: strongOnly,
      saving_usd: saving,
      saving_ratio: strongOnly === null || this.#strongOnly === 0 ? null : round((this.#strongOnly - this.#spend) / this.#strongOnly),
      models: Object.fromEntries([...this.#models].map(([model, spend]) => [model, { ...spend, cost_usd: round(spend.cost_usd) }])),
    };
  }
}

/** Micro-dollar precision keeps float noise out of the JSON. */
function round(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}
