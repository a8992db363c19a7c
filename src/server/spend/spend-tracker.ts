import type { ListChoice, ModelPair } from '../../core/index.js';
import type { ModelPrice } from '../../config/config-sections.js';
import type { PriceTable, TokenUsage } from '../../upstream/price-table.js';

/** Per-model totals in the stats report. */
export interface ModelSpend {
  requests: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  /** Requests with usage from a model missing from the price table: not in `cost_usd`. */
  unpriced_requests: number;
  /** Requests answered without usage totals (a stream cut short, an upstream that sends none): cost unknown. */
  usage_unknown_requests: number;
}

/** `GET /v1/routellm/stats`. */
export interface SpendStats {
  readonly object: 'routellm.stats';
  readonly since: string;
  readonly strong_model: string;
  readonly weak_model: string;
  /** Chat requests a model answered (a stream cut short included): the ones spend counts. */
  readonly requests: number;
  /** Chat requests answered with an error and no model's answer (both models failed, a 4xx, a timeout, a refusal). */
  readonly failed_requests: number;
  /** Every finished chat request by the HTTP status it got, as `routellm_requests_total` counts them: `requests + failed_requests`. */
  readonly requests_by_status: Readonly<Record<string, number>>;
  /** Spend of the requests with usage from a priced model. */
  readonly spend_usd: number;
  /** The same tokens priced at the strong model: what the calls would have cost unrouted; null when the strong model has no price. */
  readonly strong_only_spend_usd: number | null;
  /** Null whenever it would be made up: see `saving_unknown_because`. */
  readonly saving_usd: number | null;
  /** saving / strong_only_spend, 0..1; null when `saving_usd` is, or strong-only spend is 0. */
  readonly saving_ratio: number | null;
  /** Why `saving_usd` is null (a model without a price); null when it is known. */
  readonly saving_unknown_because: string | null;
  /** Requests with usage from a model without a price (their cost is unknown, not 0). */
  readonly unpriced_requests: number;
  /** Requests answered without usage totals (a stream the client or upstream cut short): their cost is unknown. */
  readonly usage_unknown_requests: number;
  readonly models: Readonly<Record<string, ModelSpend>>;
  /**
   * Each routed model's price as this server bills it, USD per million tokens (the config's `prices:`,
   * a list entry's `price:`, the built-in table); null for a model without one. `routellm chat --url`
   * prices its answers with these.
   */
  readonly prices: Readonly<Record<string, ModelPrice | null>>;
  /** Over a list of models only: the routed spend beside each single model's bill. */
  readonly list?: ListSpendStats;
}

/** Over a list of models: what the same tokens would have cost on each model alone, and the best single model. */
export interface ListSpendStats {
  /** The list, cheapest first; the last is the reference. */
  readonly models: readonly string[];
  /** The requests the mean predicted qualities are over (what `serve --workers` weighs each worker's by). */
  readonly requests: number;
  /** The same tokens at the reference's price (= strong_only_spend_usd): the all-strongest bill. */
  readonly all_strongest_spend_usd: number | null;
  /**
   * The best single model: the one predicted most accurate on the requests served (the highest mean
   * predicted quality), its mean predicted quality, and the same tokens at its price.
   */
  readonly best_single_model: { readonly model: string; readonly mean_predicted_quality: number; readonly spend_usd: number | null } | null;
  /** spend_usd / best single model's bill, when both are known. */
  readonly spend_ratio_to_best_single: number | null;
  /** Each model's bill for the same tokens, and its mean predicted quality over the requests served. */
  readonly single_model_bills: Readonly<Record<string, { readonly spend_usd: number | null; readonly mean_predicted_quality: number | null }>>;
}

/** Over a list: the models, and per model the same tokens' bill, whether it has a price, the predicted quality summed; requests counted. */
interface ListTally {
  readonly models: readonly string[];
  readonly bills: Float64Array;
  readonly priced: Uint8Array;
  readonly quality: Float64Array;
  requests: number;
  billed: number;
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
  /** Whether the strong model has a price: without one the strong-only spend, so the saving, is unknown from the start. */
  readonly #strongPriced: boolean;
  #unpriced = 0;
  #failed = 0;
  readonly #byStatus = new Map<number, number>();
  #usageUnknown = 0;
  /** Requests with usage that the strong model's missing price left out of the strong-only spend. */
  #strongOnlyMissing = 0;
  /** Over a list: the models, and per model the same tokens' bill, the predicted quality summed, and requests counted. */
  readonly #list: ListTally | undefined;
  /** The stats' `prices`: each routed model's, fixed at start-up as the table is. */
  readonly #routedPrices: Readonly<Record<string, ModelPrice | null>>;

  constructor(prices: PriceTable, pair: ModelPair, since: Date, list?: readonly string[]) {
    this.#prices = prices;
    this.#pair = pair;
    this.#routedPrices = Object.fromEntries((list ?? [pair.strong, pair.weak]).map((model) => [model, prices.priceOf(model) ?? null]));
    this.#since = since.toISOString();
    this.#strongPriced = prices.priceOf(pair.strong) !== undefined;
    if (list) {
      const n = list.length;
      const priced = Uint8Array.from(list, (model) => (prices.priceOf(model) === undefined ? 0 : 1));
      this.#list = { models: list, bills: new Float64Array(n), priced, quality: new Float64Array(n), requests: 0, billed: 0 };
    }
  }

  /** Over a list: one routed request's predicted qualities, for the best single model (call once per answered request). */
  #recordList(choice: ListChoice | undefined, usage: TokenUsage | undefined): void {
    const list = this.#list;
    if (list === undefined || choice === undefined || choice.models.length !== list.models.length) return;
    list.requests += 1;
    for (let m = 0; m < list.models.length; m += 1) list.quality[m] = (list.quality[m] as number) + (choice.qualities[m] as number);
    if (usage === undefined) return;
    list.billed += 1;
    for (let m = 0; m < list.models.length; m += 1) list.bills[m] = (list.bills[m] as number) + (this.#prices.costOf(list.models[m] as string, usage) ?? 0);
  }

  /** Each single model's bill for the same tokens (list mode), by model, for the metrics; empty for a pair. */
  singleModelBills(): { model: string; usd: number }[] {
    const list = this.#list;
    if (list === undefined) return [];
    return list.models.flatMap((model, m) => (list.priced[m] ? [{ model, usd: list.bills[m] as number }] : []));
  }

  /** Counts one finished chat request by its status; `answered` says it was `record`ed, else it failed. */
  finished(status: number, answered: boolean): void {
    this.#byStatus.set(status, (this.#byStatus.get(status) ?? 0) + 1);
    if (!answered) this.#failed += 1;
  }

  /** Records one answered request. `usage` undefined counts it as a request whose usage (and cost) is unknown. */
  record(model: string, usage: TokenUsage | undefined, choice?: ListChoice): RecordedCost {
    this.#requests += 1;
    if (this.#list) this.#recordList(choice, usage);
    let entry = this.#models.get(model);
    if (entry === undefined) {
      entry = { requests: 0, input_tokens: 0, output_tokens: 0, cost_usd: 0, unpriced_requests: 0, usage_unknown_requests: 0 };
      this.#models.set(model, entry);
    }
    entry.requests += 1;
    if (usage === undefined) {
      entry.usage_unknown_requests += 1;
      this.#usageUnknown += 1;
      return { costUsd: undefined, strongOnlyUsd: undefined };
    }
    entry.input_tokens += usage.inputTokens;
    entry.output_tokens += usage.outputTokens;
    const costUsd = this.#prices.costOf(model, usage);
    if (costUsd === undefined) {
      entry.unpriced_requests += 1;
      this.#unpriced += 1;
    } else {
      entry.cost_usd += costUsd;
      this.#spend += costUsd;
    }
    const strongOnlyUsd = this.#prices.costOf(this.#pair.strong, usage);
    if (strongOnlyUsd !== undefined) this.#strongOnly += strongOnlyUsd;
    else this.#strongOnlyMissing += 1;
    return { costUsd, strongOnlyUsd };
  }

  /**
   * Strong-only spend minus actual spend so far, in USD (0 before any call); undefined once a
   * request had usage from an unpriced model, which would otherwise count as free, and always
   * when the strong model has no price. The stats' `saving_usd` says the same.
   */
  get savingUsd(): number | undefined {
    return this.#priceMissing() ? undefined : this.#strongOnly - this.#spend;
  }

  /** A request's cost, or its strong-only cost, is unknown for want of a price. */
  #priceMissing(): boolean {
    return this.#unpriced > 0 || this.#strongOnlyMissing > 0 || !this.#strongPriced;
  }

  /** Why the saving cannot be given, or undefined when it can. */
  #savingUnknownBecause(): string | undefined {
    if (!this.#priceMissing()) return undefined;
    if (this.#unpriced > 0) {
      const models = [...this.#models].filter(([, spend]) => spend.unpriced_requests > 0).map(([model]) => JSON.stringify(model));
      const which = models.length === 1 ? 'which has no price, so its cost is' : 'which have no price, so their cost is';
      return `${this.#unpriced} request(s) came from ${models.join(', ')}, ${which} unknown; add a price under prices: in the config file`;
    }
    return `the strong model ${JSON.stringify(this.#pair.strong)} has no price, so the strong-only spend is unknown; add it under prices: in the config file`;
  }

  /** The report for `GET /v1/routellm/stats`. */
  stats(): SpendStats {
    const strongOnly = this.#strongPriced ? round(this.#strongOnly) : null;
    const because = this.#savingUnknownBecause();
    const saving = because === undefined ? round(this.#strongOnly - this.#spend) : null;
    return {
      object: 'routellm.stats',
      since: this.#since,
      strong_model: this.#pair.strong,
      weak_model: this.#pair.weak,
      requests: this.#requests,
      failed_requests: this.#failed,
      requests_by_status: Object.fromEntries([...this.#byStatus].sort(([a], [b]) => a - b).map(([status, count]) => [String(status), count])),
      spend_usd: round(this.#spend),
      strong_only_spend_usd: strongOnly,
      saving_usd: saving,
      saving_ratio: saving === null || this.#strongOnly === 0 ? null : round((this.#strongOnly - this.#spend) / this.#strongOnly),
      saving_unknown_because: because ?? null,
      unpriced_requests: this.#unpriced,
      usage_unknown_requests: this.#usageUnknown,
      models: Object.fromEntries([...this.#models].map(([model, spend]) => [model, { ...spend, cost_usd: round(spend.cost_usd) }])),
      prices: this.#routedPrices,
      ...(this.#list ? { list: this.#listStats(strongOnly, because === undefined) } : {}),
    };
  }

  #listStats(allStrongest: number | null, spendKnown: boolean): ListSpendStats {
    const list = this.#list as ListTally;
    const bills = list.models.map((_, m) => (list.billed > 0 && list.priced[m] ? round(list.bills[m] as number) : null));
    const means = list.models.map((_, m) => (list.requests > 0 ? round((list.quality[m] as number) / list.requests) : null));
    return listSpendStats(list.models, list.requests, bills, means, this.#spend, allStrongest, spendKnown);
  }
}

/**
 * The list block of the stats from each model's single-model bill and mean predicted quality: the
 * best single model (highest mean quality, the first on a tie) and the spend ratio to its bill. One
 * server's tally and the sum of every worker's (merge-stats.ts) both end here.
 */
export function listSpendStats(
  models: readonly string[],
  requests: number,
  bills: readonly (number | null)[],
  means: readonly (number | null)[],
  spend: number,
  allStrongest: number | null,
  spendKnown: boolean,
): ListSpendStats {
  let best = -1;
  for (let m = 0; m < models.length; m += 1) if (means[m] !== null && (best < 0 || (means[m] as number) > (means[best] as number))) best = m;
  const bestBill = best < 0 ? null : (bills[best] ?? null);
  return {
    models,
    requests,
    all_strongest_spend_usd: allStrongest,
    best_single_model: best < 0 ? null : { model: models[best] as string, mean_predicted_quality: means[best] as number, spend_usd: bestBill },
    spend_ratio_to_best_single: spendKnown && bestBill !== null && bestBill > 0 ? round(spend / bestBill) : null,
    single_model_bills: Object.fromEntries(models.map((model, m) => [model, { spend_usd: bills[m] ?? null, mean_predicted_quality: means[m] ?? null }])),
  };
}

/** Micro-dollar precision keeps float noise out of the JSON. */
export function round(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}
