import { seededRandom, type ModelListRouting } from '../../src/core/index.js';

/**
 * The first requests of `router-knn-<share>%` in a fresh routing (`routing()` builds one, as a fresh
 * serve does), over `runs` random orders of `prompts` (seeds 1000, 1001, ...): per run, at each count
 * of `first` (ascending), the realised cost share of the requests so far, their bill above the
 * all-cheapest one over the all-strongest one's, in dollars. Bench list-share-warm-start and
 * test/core/model-list/list-share-warm-start.test.ts measure with it.
 */
export async function firstRequestShares(routing: () => ModelListRouting, prompts: readonly string[], share: number, first: readonly number[], runs: number): Promise<number[][]> {
  const out: number[][] = [];
  for (let run = 0; run < runs; run += 1) {
    const random = seededRandom(1000 + run);
    const order = [...prompts];
    for (let i = order.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j] as string, order[i] as string];
    }
    const list = routing();
    const target = list.resolve(`router-knn-${share * 100}%`);
    let spent = 0;
    let span = 0;
    const shares: number[] = [];
    for (let i = 0; i < first[first.length - 1]!; i += 1) {
      const { list: choice } = await list.decide(target, order[i % order.length] as string);
      const cheapest = Math.min(...choice.costs);
      spent += (choice.costs[choice.index] as number) - cheapest;
      span += (choice.costs[choice.costs.length - 1] as number) - cheapest;
      if (first.includes(i + 1)) shares.push(spent / span);
    }
    out.push(shares);
  }
  return out;
}
