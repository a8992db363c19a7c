import { RoutellmError, RouterError, scorePrompts, type Router } from '../core/index.js';
import { promptKey, type WinRateCache } from './win-rate-cache.js';

/** Progress of scoring one router's prompts. */
export interface ScoringProgress {
  /** `cached` of `total` prompts were already known. */
  started(total: number, cached: number): void;
  /** `done` of `total` prompts now have a win rate. */
  advanced(done: number, total: number): void;
}

const BATCH = 256;
/** A long cold run saves its progress this often, so an interrupted run loses little. */
const SAVE_EVERY_MS = 10_000;

/**
 * The router's win rate for each prompt, taking known ones from the cache and scoring the
 * rest in batches (so batching routers batch and progress moves). The cache is saved every
 * few seconds and when scoring fails or is interrupted (`signal`), so the work done is kept.
 * A rate outside [0, 1] is a router bug.
 */
export async function winRatesWithCache(
  router: Router,
  prompts: readonly string[],
  cache: WinRateCache | undefined,
  progress?: ScoringProgress,
  signal?: AbortSignal,
): Promise<Float64Array> {
  const rates = new Float64Array(prompts.length);
  const keys = cache ? prompts.map(promptKey) : [];
  const missing: number[] = [];
  // Identical prompts are scored once.
  const firstIndexOfKey = new Map<string, number>();
  prompts.forEach((_prompt, index) => {
    const known = cache?.get(keys[index] as string);
    if (known !== undefined) rates[index] = known;
    else missing.push(index);
  });
  const cached = prompts.length - missing.length;
  progress?.started(prompts.length, cached);
  // Listening tells bin/ that this work stops cleanly on Ctrl-C (the loop checks `aborted`
  // and the cache is saved), so it does not end the process at once.
  const stopsCleanly = () => {};
  signal?.addEventListener('abort', stopsCleanly);
  try {
    const todo = cache
      ? missing.filter((index) => {
          const key = keys[index] as string;
          if (firstIndexOfKey.has(key)) return false;
          firstIndexOfKey.set(key, index);
          return true;
        })
      : missing;
    let done = cached;
    let savedAt = Date.now();
    for (let start = 0; start < todo.length; start += BATCH) {
      if (signal?.aborted) {
        throw new RoutellmError(`interrupted while scoring with router "${router.name}"${cache ? `; ${cache.size} win rates kept in the cache` : ''}`);
      }
      const batch = todo.slice(start, start + BATCH);
      const scores = await scorePrompts(router, batch.map((index) => prompts[index] as string));
      if (scores.length !== batch.length) throw new RouterError(`router "${router.name}" returned ${scores.length} win rates for ${batch.length} prompts`);
      batch.forEach((index, position) => {
        const rate = scores[position] as number;
        if (!(rate >= 0 && rate <= 1)) throw new RouterError(`router "${router.name}" returned an invalid win rate ${rate}`);
        rates[index] = rate;
        cache?.set(keys[index] as string, rate);
      });
      done += batch.length;
      progress?.advanced(Math.min(done, prompts.length), prompts.length);
      if (cache && Date.now() - savedAt >= SAVE_EVERY_MS) {
        await cache.save();
        savedAt = Date.now();
      }
    }
    if (cache) {
      for (const index of missing) rates[index] = cache.get(keys[index] as string) as number;
    }
    progress?.advanced(prompts.length, prompts.length);
  } finally {
    signal?.removeEventListener('abort', stopsCleanly);
    await cache?.save();
  }
  return rates;
}
