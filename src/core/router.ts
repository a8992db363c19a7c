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
 * router's batch method when it has one.
 */
export async function scorePrompts(router: Router, prompts: readonly string[]): Promise<number[]> {
  const texts = prompts.map(boundedRoutingText);
  if (router.strongWinRates) return router.strongWinRates(texts);
  const rates: number[] = [];
  for (const text of texts) rates.push(await router.strongWinRate(text));
  return rates;
}
