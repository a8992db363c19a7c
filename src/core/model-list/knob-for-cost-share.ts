import { chooseByShortfall } from './choose-model.js';

/**
 * How the rule's spend falls as its knob rises, over a set of prompts: `router-<r>-30%` with a
 * list of models means the knob at which the routed calls cost 30% of the way from the
 * all-cheapest bill to the all-strongest (reference) bill, on the rule's cost scale u (cheapest
 * 0, reference 1). With two models u is 1 for a strong call and 0 for a weak one, so this is the
 * share of strong calls, what `router-<r>-30%` has always meant.
 *
 * For one prompt the chosen model's u is a step function of the knob t that only falls: at each
 * switch point the rule moves to a cheaper model. Summed over prompts, the cost share is the mass
 * of the switch points at or above t (each weighted by the drop in u it brings, over the prompt
 * count), and the knob for a share is a quantile of those switch points.
 */
export interface CostShareCurve {
  /** The distinct switch points, ascending. */
  readonly knobs: Float64Array;
  /** The cost share at each knob (ties go to the costlier model, so its own drop still counts). */
  readonly shares: Float64Array;
  /** The share at t = 0, where every prompt takes its best predicted model. */
  readonly atZero: number;
  readonly prompts: number;
}

/** Where one prompt's choice moves to a cheaper model: the knob, the drop in u, and the two models. */
export interface SwitchPoint {
  readonly knob: number;
  readonly drop: number;
  readonly from: number;
  readonly to: number;
}

/** One prompt's switch points as t rises from 0: where the rule moves to a cheaper model, and by how much u drops. */
export function switchPoints(losses: ArrayLike<number>, scaled: ArrayLike<number>): SwitchPoint[] {
  const out: SwitchPoint[] = [];
  let current = chooseByShortfall(losses, scaled, 0);
  for (;;) {
    const uc = scaled[current] as number;
    const lc = losses[current] as number;
    let next = -1;
    let at = Number.POSITIVE_INFINITY;
    for (let m = 0; m < losses.length; m += 1) {
      const um = scaled[m] as number;
      if (!(um < uc)) continue;
      const knob = Math.max(0, ((losses[m] as number) - lc) / (uc - um));
      // Several cheaper models tying at one knob: past it, the cheapest of them is least.
      if (knob < at || (knob === at && um < (scaled[next] as number))) {
        at = knob;
        next = m;
      }
    }
    if (next < 0) return out;
    out.push({ knob: at, drop: uc - (scaled[next] as number), from: current, to: next });
    current = next;
  }
}

/** The cost-share curve of a set of prompts, from each one's shortfalls (see choose-model.ts) and the scaled costs. */
export function costShareCurve(shortfallRows: Iterable<ArrayLike<number>>, scaled: ArrayLike<number>): CostShareCurve {
  return weightedCostShareCurve(withScale(shortfallRows, scaled));
}

/**
 * One prompt as the cost-share curve weighs it when prompts cost differently: its shortfalls, its
 * own costs on the rule's scale (the typical request's span as the unit, see scaleCosts) and its
 * step from the all-cheapest to the all-strongest bill on that scale (costSpan / the unit).
 */
export interface PricedShortfalls {
  readonly losses: ArrayLike<number>;
  readonly scaled: ArrayLike<number>;
  readonly step: number;
}

/**
 * The cost-share curve of prompts that each cost differently: the share at t is the bill above the
 * all-cheapest one, over the all-strongest bill above it, summed over the prompts (so a long prompt
 * weighs in its share by what it costs). With every prompt on one scale (step 1) it is
 * costShareCurve's share of each prompt's way, averaged.
 */
export function weightedCostShareCurve(prompts: Iterable<PricedShortfalls>): CostShareCurve {
  const points: SwitchPoint[] = [];
  let count = 0;
  let total = 0;
  // Every walk ends at a model with no cheaper one, at u = 0: a prompt's spend at t is the sum
  // of its drops at or above t.
  for (const prompt of prompts) {
    count += 1;
    total += prompt.step;
    points.push(...switchPoints(prompt.losses, prompt.scaled));
  }
  points.sort((a, b) => a.knob - b.knob);
  const knobs: number[] = [];
  const mass: number[] = [];
  for (const point of points) {
    if (knobs.length > 0 && knobs[knobs.length - 1] === point.knob) mass[mass.length - 1]! += point.drop;
    else {
      knobs.push(point.knob);
      mass.push(point.drop);
    }
  }
  const shares = new Float64Array(knobs.length);
  let tail = 0;
  for (let i = knobs.length - 1; i >= 0; i -= 1) {
    tail += mass[i] as number;
    shares[i] = total > 0 ? tail / total : 0;
  }
  return { knobs: Float64Array.from(knobs), shares, atZero: shares.length > 0 ? (shares[0] as number) : 0, prompts: count };
}

function* withScale(rows: Iterable<ArrayLike<number>>, scaled: ArrayLike<number>): Generator<PricedShortfalls> {
  for (const losses of rows) yield { losses, scaled, step: 1 };
}

/** The cost share the rule spends at knob `t` over the curve's prompts. */
export function costShareAt(curve: CostShareCurve, t: number): number {
  // First knob >= t: its share counts every switch point at or above t.
  let low = 0;
  let high = curve.knobs.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((curve.knobs[middle] as number) < t) low = middle + 1;
    else high = middle;
  }
  return low < curve.knobs.length ? (curve.shares[low] as number) : 0;
}

/**
 * The knob that spends `share` (0-1) of the way from the all-cheapest to the all-strongest bill on
 * the curve's prompts. Where the share jumps at a switch point a (from the share above it to the
 * share at it), the knob runs linearly from the next switch point down to a, as a quantile runs
 * between order statistics; so it is monotone in the share. A share at or above the share at 0
 * gives 0 (every prompt to its best predicted model); 0 gives Infinity (every prompt to the
 * cheapest model); a share below the smallest step gives the highest switch point.
 */
export function knobForCostShare(curve: CostShareCurve, share: number): number {
  if (!(share >= 0)) throw new RangeError(`share must be a number >= 0, got ${share}`);
  const { knobs, shares } = curve;
  if (knobs.length === 0 || share >= curve.atZero) return 0;
  if (share === 0) return Number.POSITIVE_INFINITY;
  // The highest i whose share exceeds `share` (shares fall as i rises; shares[0] = atZero > share).
  let low = 0;
  let high = knobs.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >>> 1;
    if ((shares[middle] as number) > share) low = middle;
    else high = middle - 1;
  }
  const i = low;
  if (i + 1 >= knobs.length) return knobs[i] as number;
  const above = shares[i + 1] as number;
  const from = knobs[i] as number;
  const to = knobs[i + 1] as number;
  return from + ((to - from) * ((shares[i] as number) - share)) / ((shares[i] as number) - above);
}
