/** What the stats report for a budget. */
export interface BudgetStats {
  readonly usdPerHour: number;
  /** Strong spend the budget has left to give (negative: overspent, being paid back). */
  readonly allowanceUsd: number;
  /**
   * Requests per hour, as estimated now; null until two requests were counted and a second (BUDGET_RATE_MIN_SPAN_MS)
   * has passed since the first: before that the estimate is one interval extrapolated.
   */
  readonly requestsPerHour: number | null;
  /** Mean cost of a strong call (measured, or the prior until one is). */
  readonly strongCostUsd: number;
}

/** Requests a budget counted and USD it was told were spent: what one process tells the others of its share of a budget. */
export interface PaceDelta {
  readonly requests: number;
  readonly usd: number;
}

/**
 * A budget as the share-state stores share it between processes (Redis, `serve --workers N`): the
 * pair's BudgetTrack or a list's ListBudgetTrack, by router, weights and USD per hour. Decisions
 * never wait: a store takes the requests and spend counted here since its last sync, adds them to
 * the shared totals and hands back what the other processes added meanwhile.
 */
export interface SharedBudget {
  readonly kind: 'pair' | 'list';
  readonly router: string;
  readonly fingerprint: string;
  readonly usdPerHour: number;
  /** Its pace, as the stores reach it (BudgetPace.sharing). */
  readonly sharing: PaceSharing;
}

/** A budget's pace as a sharing store reaches it, on the budget's clock. */
export interface PaceSharing {
  /** The requests and spend counted here since the last call. */
  takeUnsent(): PaceDelta;
  /** Sending `delta` failed: it goes with the next send. */
  returnUnsent(delta: PaceDelta): void;
  /** Requests and spend of the other processes since the last sync, counted now. */
  absorb(delta: PaceDelta): void;
}

/** How long the request rate is averaged over: a spike is seen within about this long. */
export const BUDGET_RATE_TIME_CONSTANT_MS = 60_000;
/** Saved-up or overspent budget is paid back over this long (and at most this much is saved up). */
export const BUDGET_PAYBACK_MS = 5 * 60_000;

/** The stats show no request rate until this long after the first request (and a second one). */
export const BUDGET_RATE_MIN_SPAN_MS = 1_000;

const HOUR_MS = 3_600_000;

/**
 * The pace of a budget per hour (`router-<r>-$20/h`), for a pair (BudgetTrack) as over a list
 * (ListBudgetTrack): the request rate, averaged over about a minute, and an allowance that the
 * budget fills at its rate (up to BUDGET_PAYBACK_MS of it) and each answer's cost drains. What may
 * be spent per ms now is the budget's rate plus the allowance paid back (or saved-up budget spent)
 * over BUDGET_PAYBACK_MS. Pure: the clock is passed in.
 */
export class BudgetPace {
  readonly usdPerHour: number;
  readonly #ratePerMs: number;
  readonly #started: number;
  #decayedArrivals = 0;
  /** Requests counted (this process's and, shared, the others'): the stats' rate needs two. */
  #arrivals = 0;
  #lastArrival: number;
  #allowance: number;
  #allowanceAt: number;
  #unsentRequests = 0;
  #unsentUsd = 0;

  constructor(usdPerHour: number, started: number) {
    this.usdPerHour = usdPerHour;
    this.#ratePerMs = usdPerHour / HOUR_MS;
    this.#started = started;
    this.#lastArrival = started;
    // Starts empty: nothing saved up, so the first minutes cannot spend ahead of the budget.
    this.#allowance = 0;
    this.#allowanceAt = started;
  }

  /** USD that may be spent per ms now: the budget's rate, plus the allowance over BUDGET_PAYBACK_MS. */
  spendPerMs(now: number): number {
    return this.#ratePerMs + this.allowance(now) / BUDGET_PAYBACK_MS;
  }

  /** A request arrived at `now`. */
  arrive(now: number): void {
    this.#count(now, 1);
    this.#unsentRequests += 1;
  }

  /** An answer cost `usd` at `now`. */
  spend(usd: number, now: number): void {
    this.#drain(usd, now);
    this.#unsentUsd += usd;
  }

  /** What arrived and was spent here since the last call (see SharedBudget). */
  takeUnsent(): PaceDelta {
    const delta = { requests: this.#unsentRequests, usd: this.#unsentUsd };
    this.#unsentRequests = 0;
    this.#unsentUsd = 0;
    return delta;
  }

  returnUnsent(delta: PaceDelta): void {
    this.#unsentRequests += delta.requests;
    this.#unsentUsd += delta.usd;
  }

  /**
   * Other processes' requests and spend on the same budget, counted at `now` (up to one sync late):
   * so the rate is every process's and the allowance is drained by every answer, and each process
   * allows per request what the whole budget allows.
   */
  absorb(delta: PaceDelta, now: number): void {
    if (delta.requests > 0) this.#count(now, delta.requests);
    if (delta.usd > 0) this.#drain(delta.usd, now);
  }

  /** This pace as a sharing store reaches it, `now` its budget's clock. */
  sharing(now: () => number): PaceSharing {
    return { takeUnsent: () => this.takeUnsent(), returnUnsent: (delta) => this.returnUnsent(delta), absorb: (delta) => this.absorb(delta, now()) };
  }

  #count(now: number, requests: number): void {
    this.#decayedArrivals = this.#decayedArrivals * Math.exp(-(now - this.#lastArrival) / BUDGET_RATE_TIME_CONSTANT_MS) + requests;
    this.#arrivals += requests;
    this.#lastArrival = now;
  }

  #drain(usd: number, now: number): void {
    this.#allowance = this.allowance(now) - usd;
    this.#allowanceAt = now;
  }

  /** The allowance at `now`: refilled at the budget's rate, capped at BUDGET_PAYBACK_MS of it. */
  allowance(now: number): number {
    const refilled = this.#allowance + (now - this.#allowanceAt) * this.#ratePerMs;
    return Math.min(refilled, this.#ratePerMs * BUDGET_PAYBACK_MS);
  }

  /** Requests per ms: exponentially decayed arrivals, corrected for the time since the budget began. */
  requestRate(now: number): number {
    const tau = BUDGET_RATE_TIME_CONSTANT_MS;
    const decayed = this.#decayedArrivals * Math.exp(-(now - this.#lastArrival) / tau);
    const elapsed = Math.max(now - this.#started, 1);
    return decayed / (tau * (1 - Math.exp(-elapsed / tau)));
  }

  /** Requests per hour, as estimated at `now` (for the stats); null before two requests, a second apart from the first. */
  requestsPerHour(now: number): number | null {
    if (this.#arrivals < 2 || now - this.#started < BUDGET_RATE_MIN_SPAN_MS) return null;
    return this.requestRate(now) * HOUR_MS;
  }

  /** The budget's stats at `now`, with the strong call's cost as its track measures it. */
  stats(now: number, strongCostUsd: number): BudgetStats {
    return { usdPerHour: this.usdPerHour, allowanceUsd: this.allowance(now), requestsPerHour: this.requestsPerHour(now), strongCostUsd };
  }
}
