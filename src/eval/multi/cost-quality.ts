/** A point of a cost-quality plane: mean USD per prompt and mean score. */
export interface CostPoint {
  readonly cost: number;
  readonly quality: number;
}

/**
 * The non-decreasing upper convex hull of a set of points (RouterBench's "non-decreasing convex
 * hull"): what can be had for each cost by choosing one of the points, or mixing two at random in
 * some proportion, and never paying more for less. Ascending in cost and in quality; its first
 * point is the cheapest point (the best of them at that cost), its last the best point.
 */
export function upperHull(points: readonly CostPoint[]): CostPoint[] {
  const sorted = [...points].filter((p) => Number.isFinite(p.cost) && Number.isFinite(p.quality)).sort((a, b) => a.cost - b.cost || b.quality - a.quality);
  const hull: CostPoint[] = [];
  for (const point of sorted) {
    if (hull.length > 0 && (hull[hull.length - 1] as CostPoint).cost === point.cost) continue; // the best at this cost came first
    // Not higher than what came before: more cost for no more quality.
    if (hull.length > 0 && point.quality <= (hull[hull.length - 1] as CostPoint).quality) continue;
    while (hull.length >= 2) {
      const a = hull[hull.length - 2] as CostPoint;
      const b = hull[hull.length - 1] as CostPoint;
      // b lies on or under the chord a-point: mixing a and point does at least as well.
      if ((b.cost - a.cost) * (point.quality - a.quality) - (b.quality - a.quality) * (point.cost - a.cost) >= 0) hull.pop();
      else break;
    }
    hull.push(point);
  }
  return hull;
}

/** The hull's quality at `cost`: linear between its points, flat after the last, NaN before the first. */
export function hullAt(hull: readonly CostPoint[], cost: number): number {
  if (hull.length === 0 || cost < (hull[0] as CostPoint).cost) return Number.NaN;
  for (let i = 1; i < hull.length; i += 1) {
    const a = hull[i - 1] as CostPoint;
    const b = hull[i] as CostPoint;
    if (cost <= b.cost) return a.quality + ((b.quality - a.quality) * (cost - a.cost)) / (b.cost - a.cost);
  }
  return (hull[hull.length - 1] as CostPoint).quality;
}

/**
 * AIQ, RouterBench's "average improvement in quality": the mean height of a curve's non-decreasing
 * upper convex hull over the cost range [low, high] (the area under it divided by the range's
 * width), in the scores' units. After its last point the hull stays flat (more budget buys no
 * more); before its first point it counts 0, as RouterBench's code integrates each hull from its
 * first point only. Compared over one range, a higher AIQ is a better cost-quality trade-off: the
 * zero router's (the hull of the single models) is the bar.
 */
export function aiq(points: readonly CostPoint[], low: number, high: number): number {
  const hull = upperHull(points);
  if (hull.length === 0 || !(high > low)) return Number.NaN;
  const cuts = [low, high, ...hull.map((p) => p.cost)].filter((c) => c >= low && c <= high).sort((a, b) => a - b);
  const start = (hull[0] as CostPoint).cost;
  let area = 0;
  for (let i = 1; i < cuts.length; i += 1) {
    const a = Math.max(cuts[i - 1] as number, start);
    const b = cuts[i] as number;
    if (!(b > a)) continue;
    area += ((hullAt(hull, a) + hullAt(hull, b)) / 2) * (b - a);
  }
  return area / (high - low);
}
