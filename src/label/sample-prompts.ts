import { seededRandom } from '../core/index.js';

/**
 * `count` items chosen uniformly at random without replacement, seeded, in their input order.
 * The same items and seed always give the same subset, so a re-run of `label --sample N`
 * continues the same sample instead of drawing a new one.
 */
export function sampleInOrder<T>(items: readonly T[], count: number, seed: number): T[] {
  if (count >= items.length) return [...items];
  const random = seededRandom(seed);
  const indices = Array.from(items, (_, i) => i);
  // A partial Fisher-Yates: the first `count` slots end up a uniform sample.
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (indices.length - i));
    [indices[i], indices[j]] = [indices[j]!, indices[i]!];
  }
  return indices
    .slice(0, count)
    .sort((a, b) => a - b)
    .map((i) => items[i]!);
}
