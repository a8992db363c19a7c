import { BudgetPace, type BudgetStats, type PaceSharing, type SharedBudget } from './budget-pace.js';
import type { LiveDecision, TrackedRouter } from './share-calibrator.js';
import { ShareWindow, type ShareCut } from './share-window.js';

export { BUDGET_PAYBACK_MS, BUDGET_RATE_TIME_CONSTANT_MS } from './budget-pace.js';
/** Tokens assumed for a strong call's cost until the first strong answer's usage is known. */
export const BUDGET_PRIOR_TOKENS = { input: 1000, output: 500 } as const;
/** While no strong cost is measured, a probe whose cost never came back (it failed) is sent again after this long. */
export const BUDGET_PROBE_RETRY_MS = 60_000;
/** The share whose table threshold a probe's win rate must reach: a prompt at least as hard as the median. */
const PROBE_SHARE = 0.5;

export interface BudgetTrackOptions {
  readonly usdPerHour: number;
  /** USD of one strong call before any is measured (the price table at BUDGET_PRIOR_TOKENS). */
  readonly strongCostPrior: number;
  readonly windowSize: number;
  /** Monotonic milliseconds. */
  readonly now: () => number;
  /** The calibration table's threshold for a share: the start, until the window is warm. */
  readonly tableThreshold: (share: number) => number;
}

/**
 * `router-<r>-$20/h`: holds the strong model's spend near a budget per hour. The share of calls
 * sent strong is the budget's rate over (request rate x cost of a strong call), corrected by an
 * allowance that the budget fills and strong answers drain, paid back over BUDGET_PAYBACK_MS; the
 * cut for that share comes from the same kind of window as a fixed share's. A traffic spike
 * raises the measured request rate within about a minute, so the share falls and the extra
 * calls go to the weak model; what was overspent meanwhile is paid back over the next minutes.
 *
 * Cold start: the cost of a strong call is only known once one has answered, and the prior (the
 * price table at BUDGET_PRIOR_TOKENS) can be far off: at 10 input and 5 output tokens it is 100
 * times too high, so the share it allows sends nothing strong and the cost is never measured.
 * Until one is, the first request at least as hard as the table's median goes strong as a probe
 * (one at a time, another only after BUDGET_PROBE_RETRY_MS if its cost never came back); what it
 * costs beyond the allowance is paid back like any overspend. So a fresh start spends at most one
 * strong call ahead of the budget, and then holds the budget on measured costs.
 * Pure: the clock is passed in; the gateway reports each strong answer's cost (`spend`).
 */
export class BudgetTrack implements SharedBudget {
  readonly kind = 'pair' as const;
  readonly router: string;
  readonly fingerprint: string;
  readonly usdPerHour: number;
  readonly window: ShareWindow;
  readonly warmFill: number;
  observed = 0;
  lastUsed = 0;
  readonly #now: () => number;
  readonly #tableThreshold: (share: number) => number;
  readonly #pace: BudgetPace;
  /** Its pace as the sharing stores reach it (Redis, `serve --workers`). */
  readonly sharing: PaceSharing;
  #strongCost: number;
  #costMeasured = false;
  /** When the last cold-start probe went strong, while no cost is measured. */
  #probeAt: number | undefined;
  #tieCredit = 0;

  constructor(router: TrackedRouter, options: BudgetTrackOptions) {
    this.router = router.name;
    this.fingerprint = router.fingerprint;
    this.usdPerHour = options.usdPerHour;
    this.window = new ShareWindow(options.windowSize);
    this.warmFill = Math.max(1, Math.ceil(options.windowSize / 4));
    this.#now = options.now;
    this.#tableThreshold = options.tableThreshold;
    this.#strongCost = options.strongCostPrior;
    this.#pace = new BudgetPace(options.usdPerHour, options.now());
    this.sharing = this.#pace.sharing(options.now);
  }

  /** The share of calls the budget allows now. */
  share(now: number = this.#now()): number {
    const requestsPerMs = this.#pace.requestRate(now);
    const spendPerMs = this.#pace.spendPerMs(now);
    const share = spendPerMs / (requestsPerMs * this.#strongCost);
    return Number.isFinite(share) ? Math.min(1, Math.max(0, share)) : 1;
  }

  /** The threshold a request arriving now would get (for the stats). */
  threshold(): number {
    return this.#cutFor(this.share()).threshold;
  }

  /** Routes one request by its win rate and records it. */
  decide(winRate: number): LiveDecision {
    const now = this.#now();
    this.#pace.arrive(now);
    const share = this.share(now);
    const cut = this.#cutFor(share);
    const threshold = cut.threshold;
    let strong: boolean;
    if (share <= 0) strong = false;
    else if (this.window.fill < this.warmFill) strong = winRate >= threshold;
    else {
      if (winRate !== threshold) strong = winRate > threshold;
      else {
        this.#tieCredit += cut.tieFraction;
        strong = this.#tieCredit >= 1 - 1e-9;
        if (strong) this.#tieCredit -= 1;
      }
    }
    const probe = !strong && this.#shouldProbe(now, winRate);
    if (probe) {
      strong = true;
      this.#probeAt = now;
    }
    this.window.observe(winRate, strong);
    this.observed += 1;
    return probe ? { threshold, strong, probe } : { threshold, strong };
  }

  /** A strong answer cost `usd` (from its usage and the price table). */
  spend(usd: number): void {
    if (!(usd >= 0)) return;
    this.#pace.spend(usd, this.#now());
    // The mean strong cost follows the measured ones (the prior is replaced by the first).
    this.#strongCost = this.#costMeasured ? this.#strongCost * 0.9 + usd * 0.1 : usd;
    this.#costMeasured = true;
  }

  budgetStats(): BudgetStats {
    return this.#pace.stats(this.#now(), this.#strongCost);
  }

  /** Whether this request goes strong to measure what a strong call costs (see the class comment). */
  #shouldProbe(now: number, winRate: number): boolean {
    if (this.#costMeasured) return false;
    if (this.#probeAt !== undefined && now - this.#probeAt < BUDGET_PROBE_RETRY_MS) return false;
    return winRate >= this.#tableThreshold(PROBE_SHARE);
  }

  /** Nothing strong at share 0; the table's threshold until the window is warm; then the window's cut. */
  #cutFor(share: number): ShareCut {
    if (share <= 0) return { threshold: 1, tieFraction: 0 };
    if (this.window.fill < this.warmFill) return { threshold: this.#tableThreshold(Math.min(0.999, Math.max(0.001, share))), tieFraction: 1 };
    return this.window.cut(share) as ShareCut;
  }
}
