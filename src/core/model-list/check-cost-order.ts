import { ConfigError } from '../errors.js';

/**
 * How strictly a list's costs must follow its order: `prices` (each model's list price on one
 * request) must not fall anywhere; `measured` costs (what each model's own answers cost on a
 * benchmark, whose lengths differ by model and task: RouterBench's mixtral costs more than
 * code-llama on MBPP and less on ARC) need only leave the reference, the last model, the dearest.
 */
export type CostOrder = 'prices' | 'measured';

/**
 * Checks that a list of models runs cheapest first, as its meaning needs: the last model is the
 * reference (the all-strongest bill, 100%); shares and fallback read the list in order. `costs`
 * are each model's cost on one yardstick, `per` says which (e.g. "per 1,000 typical requests").
 * Equal costs may stand in either order. Throws a ConfigError (exit 2) naming the models out of
 * order and the order the costs imply: a list given strongest first is refused rather than sorted,
 * since which model is the reference is the user's to say.
 */
export function checkCostOrder(names: readonly string[], costs: ArrayLike<number>, where: string, per: string, order: CostOrder = 'prices'): void {
  const out = outOfOrder(costs, order);
  if (out === undefined) return;
  const [dear, cheap] = out;
  const byCost = names.map((name, index) => ({ name, cost: costs[index] as number, index })).sort((a, b) => a.cost - b.cost || a.index - b.index);
  const [a, b] = [`"${names[dear]}" (${usd(costs[dear] as number)} ${per})`, `"${names[cheap]}" (${usd(costs[cheap] as number)})`];
  throw new ConfigError(
    (order === 'prices'
      ? `${where} must run cheapest first (the last model is the reference, 100% of the bill), but ${a} comes before ${b}`
      : `${where} must end with its dearest model (the last is the reference, 100% of the bill), but ${a} costs more than ${b}`) +
      `; by cost the order is ${byCost.map((entry) => entry.name).join(', ')}: list them so`,
  );
}

/** The first pair [dearer, cheaper] out of order, or undefined. */
function outOfOrder(costs: ArrayLike<number>, order: CostOrder): [number, number] | undefined {
  const last = costs.length - 1;
  if (order === 'measured') {
    let dearest = last;
    for (let i = 0; i < last; i += 1) if ((costs[i] as number) > (costs[dearest] as number)) dearest = i;
    return dearest === last ? undefined : [dearest, last];
  }
  for (let i = 0; i < last; i += 1) if ((costs[i] as number) > (costs[i + 1] as number)) return [i, i + 1];
  return undefined;
}

/** USD to three significant digits: enough to see which is dearer. */
function usd(value: number): string {
  return `$${Number(value.toPrecision(3))}`;
}
