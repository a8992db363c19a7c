import { RoutellmError, RouterError } from './errors.js';
import { boundedRoutingText } from './routing-text.js';

/**
 * A router scores a prompt with the strong model's win rate: the probability,
 * in [0, 1], that the strong model answers it better than the weak one.
 */
export interface Router {
  /** Registry name, e.g. `mf`. */
  readonly name: string;
  /**
   * Identifies the router's weights and options, so caches of win rates
   * (calibration, eval) are invalidated when they change.
   */
  readonly fingerprint: string;
  strongWinRate(prompt: string): number | Promise<number>;
  /** Scores many prompts at once; routers that batch (embedding calls) override it. */
  strongWinRates?(prompts: readonly string[]): Promise<number[]>;
}

/** Which tier a decision picked. */
export type Tier = 'strong' | 'weak';

/**
 * The Python RouteLLM rule: the strong model when its win rate reaches the threshold.
 */
export function chooseTier(strongWinRate: number, threshold: number): Tier {
  return strongWinRate >= threshold ? 'strong' : 'weak';
}

/**
 * Scores many prompts, each on its bounded routing text (as Decider.decide does), with the
 * router's batch method when it has one. Each win rate is checked (checkedWinRate); what the router
 * throws becomes a RouterError naming it (routerFailure).
 */
export async function scorePrompts(router: Router, prompts: readonly string[]): Promise<number[]> {
  const texts = prompts.map(boundedRoutingText);
  try {
    if (router.strongWinRates) return (await router.strongWinRates(texts)).map((rate) => checkedWinRate(router, rate));
    const rates: number[] = [];
    for (const text of texts) rates.push(checkedWinRate(router, await router.strongWinRate(text)));
    return rates;
  } catch (error) {
    throw routerFailure(router, error);
  }
}

/** The strong win rate of one text (bounded already), checked; what the router throws becomes a RouterError naming it. */
export async function scoreText(router: Router, text: string): Promise<number> {
  try {
    return checkedWinRate(router, await router.strongWinRate(text));
  } catch (error) {
    throw routerFailure(router, error);
  }
}

/**
 * A router's win rate, or a RouterError: NaN, undefined, a string or a number out of [0, 1] is a
 * broken router (a NaN would silently route everything weak), the server's failure, not the caller's.
 */
export function checkedWinRate(router: Router, strongWinRate: unknown): number {
  if (typeof strongWinRate !== 'number' || !(strongWinRate >= 0 && strongWinRate <= 1)) {
    const shown = typeof strongWinRate === 'string' ? JSON.stringify(strongWinRate) : String(strongWinRate);
    throw new RouterError(`router "${router.name}" returned an invalid win rate ${shown}; strongWinRate must return a number in [0, 1]`);
  }
  return strongWinRate;
}

/** What a router threw: a RoutellmError as it is (an upstream's, a config's), anything else a RouterError naming the router. */
function routerFailure(router: Router, error: unknown): RoutellmError {
  if (error instanceof RoutellmError) return error;
  return new RouterError(`router "${router.name}" failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}
