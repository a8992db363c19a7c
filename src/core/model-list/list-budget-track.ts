import { BudgetPace, type BudgetStats, type PaceSharing, type SharedBudget } from '../shares/budget-pace.js';
import type { ShareTrackStats, TrackedRouter } from '../shares/share-calibrator.js';
import { chooseByShortfall } from './choose-model.js';
import { CostShareWindow } from './cost-share-window.js';
import type { PricedShortfalls } from './knob-for-cost-share.js';

export interface ListBudgetTrackOptions {
  readonly usdPerHour: number;
  readonly windowSize: number;
  /** Monotonic milliseconds. */
  readonly now: () => number;
  /** The models' costs on the rule's scale for a prompt decided without its own. */
  readonly scaled: Float64Array;
  /** Prompts the cut's window starts full of (the router's training prompts), as a share's. */
  readonly prior?: readonly PricedShortfalls[];
}

/**
 * `router-knn-$20/h` over a list of models: holds the spend of every call routed with that name,
 * whichever model answers, near a budget per hour. It generalises the pair's BudgetTrack: the same
 * pace (BudgetPace: a request rate averaged over a minute, an allowance the budget fills and every
 * answer's real cost drains, paid back over five minutes) gives the dollars a request may cost now;
 * that is turned into a cost share of the way from the all-cheapest to the all-strongest bill,
 *
 *     share = (allowed per request / f - mean all-cheapest cost) / mean (all-strongest - all-cheapest) cost
 *
 * over the name's last `windowSize` requests' expected costs (each priced at its own tokens), where
 * f, the ratio of the answers' real costs to their expected ones, follows the usage of every answer
 * (1 until one is measured; every answer measures it, the cheapest model's too, so no probe is
 * needed as the pair's strong-only spend needs one); and the knob for that share is cut on the
 * window of the name's prompts, as for `router-knn-30%`. A spike raises the request rate within
 * about a minute, the share falls and calls go to cheaper models; below the all-cheapest bill
 * every call goes to the cheapest model. Pure: the clock is passed in.
 */
export class ListBudgetTrack implements SharedBudget {
  readonly kind = 'list' as const;
  readonly router: string;
  readonly fingerprint: string;
  readonly usdPerHour: number;
  readonly window: CostShareWindow;
  lastUsed = 0;
  readonly #now: () => number;
  readonly #pace: BudgetPace;
  /** Its pace as the sharing stores reach it (Redis, `serve --workers`): the whole budget's; f stays this process's. */
  readonly sharing: PaceSharing;
  readonly #cheapest: Float64Array;
  readonly #spans: Float64Array;
  #at = 0;
  #count = 0;
  #factor = 1;
  #measured = false;
  #share = 1;
  /** The last decision's knob (infinite: every call to the cheapest model): what the stats report, as its header did. */
  #knob = Number.POSITIVE_INFINITY;

  constructor(router: TrackedRouter, options: ListBudgetTrackOptions) {
    this.router = router.name;
    this.fingerprint = router.fingerprint;
    this.usdPerHour = options.usdPerHour;
    this.window = new CostShareWindow(options.windowSize, options.scaled, options.prior ?? []);
    this.#now = options.now;
    this.#pace = new BudgetPace(options.usdPerHour, options.now());
    this.sharing = this.#pace.sharing(options.now);
    this.#cheapest = new Float64Array(options.windowSize);
    this.#spans = new Float64Array(options.windowSize);
  }

  /** The cost share the budget allows now (of the last requests' way from the all-cheapest to the all-strongest bill). */
  share(now: number = this.#now()): number {
    if (this.#count === 0) return 1;
    let cheapest = 0;
    let span = 0;
    for (let i = 0; i < this.#count; i += 1) {
      cheapest += this.#cheapest[i] as number;
      span += this.#spans[i] as number;
    }
    cheapest /= this.#count;
    span /= this.#count;
    const perRequest = this.#pace.spendPerMs(now) / this.#pace.requestRate(now) / this.#factor;
    const share = span > 0 ? (perRequest - cheapest) / span : 1;
    return Number.isFinite(share) ? Math.min(1, Math.max(0, share)) : 1;
  }

  /**
   * Routes one request: its shortfalls, its costs on the rule's scale and its step (as a share's
   * window keeps them) and its expected costs in USD (list order). Returns the knob and the model.
   */
  decide(losses: Float64Array, scaled: Float64Array, step: number, costs: ArrayLike<number>): { knob: number; index: number } {
    const now = this.#now();
    this.#pace.arrive(now);
    let cheapest = Number.POSITIVE_INFINITY;
    for (let m = 0; m < costs.length; m += 1) cheapest = Math.min(cheapest, costs[m] as number);
    this.#cheapest[this.#at] = cheapest;
    this.#spans[this.#at] = (costs[costs.length - 1] as number) - cheapest;
    this.#at = (this.#at + 1) % this.#cheapest.length;
    this.#count = Math.min(this.#count + 1, this.#cheapest.length);
    const share = this.share(now);
    this.#share = share;
    this.window.observe(losses, scaled, step);
    const knob = share > 0 ? this.window.knob(share) : Number.POSITIVE_INFINITY;
    this.#knob = knob;
    const index = chooseByShortfall(losses, scaled, knob);
    this.window.chose(index);
    return { knob, index };
  }

  /** An answer cost `usd` (its usage at the model's price) where `expectedUsd` was expected. */
  spend(usd: number, expectedUsd?: number): void {
    if (!(usd >= 0)) return;
    this.#pace.spend(usd, this.#now());
    if (expectedUsd !== undefined && expectedUsd > 0) {
      const ratio = usd / expectedUsd;
      // As the pair's strong cost: the first measurement replaces the prior, then a moving average.
      this.#factor = this.#measured ? this.#factor * 0.9 + ratio * 0.1 : ratio;
      this.#measured = true;
    }
  }

  stats(): ShareTrackStats {
    const realized = this.window.realizedShare;
    return {
      router: this.router,
      // The last decision's share and knob, as its headers said (not one recomputed now, idle, that no request got).
      share: this.#share,
      threshold: Number.isFinite(this.#knob) ? this.#knob : null,
      source: this.window.priorFill > 0 ? 'table' : 'window',
      realizedShare: Number.isNaN(realized) ? null : realized,
      windowFill: this.window.fill,
      windowSize: this.window.capacity,
      budget: this.budgetStats(),
    };
  }

  budgetStats(): BudgetStats {
    // Over a list: what a call to the reference (the last model) costs, measured: its expected cost times f.
    return this.#pace.stats(this.#now(), this.#meanReference() * this.#factor);
  }

  #meanReference(): number {
    let total = 0;
    for (let i = 0; i < this.#count; i += 1) total += (this.#cheapest[i] as number) + (this.#spans[i] as number);
    return this.#count > 0 ? total / this.#count : 0;
  }
}
