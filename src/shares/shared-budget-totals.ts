import { createHash } from 'node:crypto';
import type { PaceDelta, SharedBudget } from '../core/index.js';

/**
 * A budget's shared running totals as a store sees them (Redis hash fields, the primary's sums):
 * every process adds what it counted since its last sync and reads the totals back; what grew
 * beyond its own part since its last look is the other processes', which it absorbs. The first
 * look only notes where the totals stand (what was spent before this process took part is not its
 * to pay back), and totals that went down (Redis restarted, a key expired) start a new count.
 * Held per budget object, weakly: a budget the calibrator dropped (clients choose the names) takes
 * its last look with it, and one made again for the name looks first again.
 */
export class SharedBudgetTotals {
  readonly #seen = new WeakMap<SharedBudget, PaceDelta>();

  /** `totals`: the budget's totals read right after adding `sent`. Gives `budget` the rest. */
  settle(budget: SharedBudget, sent: PaceDelta, totals: PaceDelta): void {
    const before = this.#seen.get(budget);
    this.#seen.set(budget, totals);
    if (!before || totals.requests < before.requests || totals.usd < before.usd - 1e-12) return;
    const others = { requests: Math.max(0, totals.requests - before.requests - sent.requests), usd: Math.max(0, totals.usd - before.usd - sent.usd) };
    if (others.requests > 0 || others.usd > 1e-12) budget.sharing.absorb(others);
  }
}

/** Where a budget's totals are kept: per kind, router, USD per hour and weights (a list's fingerprint names its models and prices). */
export function sharedBudgetKey(budget: Pick<SharedBudget, 'kind' | 'router' | 'fingerprint' | 'usdPerHour'>): string {
  return `${budget.kind}:${budget.router}:${budget.usdPerHour}:${createHash('sha256').update(budget.fingerprint).digest('hex').slice(0, 16)}`;
}
