/**
 * The decision rule over a list of models, with one knob, the threshold `t`.
 *
 * Each model m has a predicted quality q_m (the router's) and an expected cost c_m per request.
 * The reference is the strongest model of the list (the last one), whose bill is the
 * "all-strongest" bill. Costs are put on one scale, u_m = (c_m - c_min) / (c_ref - c_min): the
 * cheapest model is at 0, the reference at 1. The rule picks
 *
 *     argmin_m  (q_ref - q_m) + t * u_m
 *
 * the model whose shortfall against the reference, plus t times its cost on that scale, is least;
 * on a tie, the costlier model. `t` is what the whole step from the cheapest model to the
 * reference is worth in predicted quality: a model is worth its extra cost when it closes at least
 * t times that cost (on the u scale) of the gap.
 *
 * With two models (weak at u = 0, strong at u = 1) the weak one's shortfall is the strong model's
 * win rate w, and the rule compares w + 0 with 0 + t: strong when w >= t, weak otherwise. That is
 * exactly RouteLLM's rule (`chooseTier`), so a two-model list routes as it always has.
 *
 * t = 0 takes the model predicted best (the reference, or one predicted above it); a t above every
 * shortfall takes the cheapest model; in between, the share of the reference's bill spent falls
 * as t rises (see knob-for-cost-share.ts).
 */
export function chooseModel(quality: ArrayLike<number>, costs: ArrayLike<number>, reference: number, threshold: number): number {
  const losses = shortfalls(quality, reference);
  return chooseByShortfall(losses, costScale(costs, reference), threshold);
}

/** q_ref - q_m for every model: how much the reference is predicted to do better (0 for itself). */
export function shortfalls(quality: ArrayLike<number>, reference: number): Float64Array {
  const ref = quality[reference] as number;
  return Float64Array.from(quality as ArrayLike<number>, (q) => ref - q);
}

/**
 * Costs on the rule's scale: the cheapest model at 0, the reference at 1 (pricier models above
 * 1). When the reference is the cheapest, the scale runs to the dearest model instead; when every
 * model costs the same, every u is 0 and the rule takes the best predicted model.
 */
export function costScale(costs: ArrayLike<number>, reference: number): Float64Array {
  return scaleCosts(costs, costSpan(costs, reference));
}

/**
 * The unit of the rule's cost scale for these costs: the reference's cost above the cheapest model's
 * (or, when the reference is the cheapest, the dearest model's); 0 when every model costs the same.
 */
export function costSpan(costs: ArrayLike<number>, reference: number): number {
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (let m = 0; m < costs.length; m += 1) {
    const c = costs[m] as number;
    if (!(c >= 0) || !Number.isFinite(c)) throw new RangeError(`cost of model ${m} must be a finite number >= 0, got ${c}`);
    low = Math.min(low, c);
    high = Math.max(high, c);
  }
  if (!(reference >= 0 && reference < costs.length)) throw new RangeError(`reference ${reference} is not one of the ${costs.length} models`);
  return (costs[reference] as number) - low > 0 ? (costs[reference] as number) - low : high - low;
}

/**
 * Costs in units of `span` above the cheapest of them: u_m = (c_m - c_min) / span (all 0 when span
 * is 0). With a request's own costs and the typical request's span, a request that costs k times
 * the typical one has its costs k times as far apart on the scale (docs/multi-model.md).
 */
export function scaleCosts(costs: ArrayLike<number>, span: number): Float64Array {
  let low = Number.POSITIVE_INFINITY;
  for (let m = 0; m < costs.length; m += 1) low = Math.min(low, costs[m] as number);
  return Float64Array.from(costs as ArrayLike<number>, (c) => (span > 0 ? (c - low) / span : 0));
}

/** The rule on shortfalls and scaled costs (see chooseModel): argmin shortfall + t * u, ties to the costlier. */
export function chooseByShortfall(losses: ArrayLike<number>, scaled: ArrayLike<number>, threshold: number): number {
  if (!(threshold >= 0)) throw new RangeError(`threshold must be a number >= 0, got ${threshold}`);
  let best = -1;
  let bestValue = Number.POSITIVE_INFINITY;
  for (let m = 0; m < losses.length; m += 1) {
    const u = scaled[m] as number;
    // An infinite threshold still has to compare models: only u matters then (the cheapest wins).
    const value = threshold === Number.POSITIVE_INFINITY ? u : (losses[m] as number) + threshold * u;
    if (best < 0 || value < bestValue || (value === bestValue && u > (scaled[best] as number))) {
      best = m;
      bestValue = value;
    }
  }
  return best;
}
