import { seededRandom } from '../../core/index.js';
import { curveMetrics } from './curve-metrics.js';
import { modelScore, type PairedScores } from './paired-scores.js';
import { routerCurve } from './router-curve.js';

/**
 * What a prompt-blind router scores on one benchmark: the APGR of uniform random win
 * rates over many seeded draws. On a small benchmark this spread is wide (on 21 GSM8K
 * rows one draw's sd is about 0.12), so "above random" only means something next to it.
 */
export interface ChanceLevel {
  readonly draws: number;
  readonly mean: number;
  readonly sd: number;
  /** Every draw's APGR, ascending. */
  readonly apgrs: Float64Array;
}

/** Item-thresholds compared between two calls of `pause`: a few milliseconds of work. */
const WORK_PER_PAUSE = 2_000_000;

/**
 * `draws` random routers, each scored by the evaluator's own curve; undefined when the two
 * models tie (no gap to recover). This is the longest loop of `eval` (minutes with many
 * draws on MMLU), so it awaits `pause` every few milliseconds of work: the caller yields to
 * the event loop there (so Ctrl-C is heard) and throws to stop.
 */
export async function chanceLevel(
  scores: PairedScores,
  numResults: number,
  draws: number,
  seed = 0,
  pause: () => Promise<void> = async () => {},
): Promise<ChanceLevel | undefined> {
  if (!Number.isInteger(draws) || draws < 1) throw new RangeError(`draws must be a positive integer, got ${draws}`);
  const strong = modelScore(scores, 'strong');
  const weak = modelScore(scores, 'weak');
  if (!(Math.abs(strong - weak) > 1e-12)) return undefined;
  const random = seededRandom(seed);
  const rates = new Float64Array(scores.strong.length);
  const apgrs = new Float64Array(draws);
  const drawsPerPause = Math.max(1, Math.floor(WORK_PER_PAUSE / Math.max(1, rates.length * (numResults + 1))));
  for (let draw = 0; draw < draws; draw += 1) {
    if (draw % drawsPerPause === 0) await pause();
    for (let i = 0; i < rates.length; i += 1) rates[i] = random();
    apgrs[draw] = curveMetrics(routerCurve(rates, scores, numResults), weak, strong).apgr;
  }
  apgrs.sort();
  let sum = 0;
  for (const value of apgrs) sum += value;
  const mean = sum / draws;
  let squares = 0;
  for (const value of apgrs) squares += (value - mean) ** 2;
  return { draws, mean, sd: draws > 1 ? Math.sqrt(squares / (draws - 1)) : 0, apgrs };
}

/** A p-value for people: at the draws' floor, 1/(draws+1), it is a bound (`<= 0.0005`), not a value. */
export function formatPValue(p: number, draws: number): string {
  const floor = 1 / (draws + 1);
  return p <= floor * (1 + 1e-9) ? `<= ${Number(floor.toPrecision(1))}` : p.toFixed(3);
}

/**
 * One-sided p-value of a router's APGR against chance: the share of random draws scoring
 * at least as well, counted as (k + 1) / (draws + 1) so it is never an impossible 0.
 */
export function pAgainstChance(chance: ChanceLevel, apgr: number): number {
  // First index whose value is >= apgr (apgrs ascending).
  let low = 0;
  let high = chance.apgrs.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((chance.apgrs[middle] as number) < apgr) low = middle + 1;
    else high = middle;
  }
  return (chance.apgrs.length - low + 1) / (chance.draws + 1);
}
