import { RoutellmError, RouterError, scorePrompts, type Router } from '../core/index.js';
import { promptKey, type WinRateCache } from './win-rate-cache.js';

/** Progress of scoring one router's prompts. */
export interface ScoringProgress {
  /** `cached` of `total` prompts were already known. */
  started(total: number, cached: number): void;
  /** `done` of `total` prompts now have a win rate. */
  advanced(done: number, total: number): void;
}

/** Prompts sent to the router at once: batching routers batch, and an abort is seen between batches. */
const BATCH = 256;
/** Prompts looked up and scored per step of a long input: the memory a stream of prompts holds at once. */
const CHUNK = 4096;
/** A long cold run saves its progress this often, so an interrupted run loses little. */
const SAVE_EVERY_MS = 10_000;

/**
 * Scores prompts chunk by chunk for one router: known rates from the cache, the rest in batches
 * (identical prompts of a chunk once), each checked to be in [0, 1]; the cache is saved every few
 * seconds and by `close`, so an interrupted or failed run keeps its work. Between batches it
 * stops when `signal` aborts. Holds nothing of the prompts between chunks, so a stream of
 * millions runs in bounded memory (see calibrate).
 */
export class CachedScorer {
  readonly #router: Router;
  readonly #cache: WinRateCache | undefined;
  readonly #signal: AbortSignal | undefined;
  readonly #parallel: number;
  #savedAt = Date.now();
  /** Prompts scored by the router, and answered from the cache, so far. */
  scored = 0;
  fromCache = 0;

  /**
   * `parallel`: batches in flight at once (`eval --parallel`), for routers that call a network
   * service per prompt or per batch (a judge, an embedding API); batches shrink so that even a
   * short benchmark keeps that many requests going.
   */
  constructor(router: Router, cache: WinRateCache | undefined, options: { signal?: AbortSignal | undefined; parallel?: number } = {}) {
    this.#router = router;
    this.#cache = cache;
    this.#signal = options.signal;
    this.#parallel = Math.max(1, options.parallel ?? 1);
  }

  #stopIfAborted(): void {
    if (this.#signal?.aborted) {
      throw new RoutellmError(`interrupted while scoring with router "${this.#router.name}"${this.#cache ? `; ${this.#cache.size} win rates kept in the cache` : ''}`);
    }
  }

  /** The win rate of each prompt, in order. */
  async score(prompts: readonly string[]): Promise<Float64Array> {
    this.#stopIfAborted();
    const rates = new Float64Array(prompts.length);
    const cache = this.#cache;
    // Identical prompts are scored once: the first of each key is scored, the others copy it.
    const firstOfKey = new Map<string, number>();
    const todo: number[] = [];
    const copies: [number, number][] = [];
    prompts.forEach((prompt, index) => {
      const key = cache ? promptKey(prompt) : undefined;
      const known = key ? cache!.get(key) : undefined;
      if (known !== undefined) {
        rates[index] = known;
        this.fromCache += 1;
        return;
      }
      if (key) {
        const id = `${key.hi}:${key.lo}`;
        const first = firstOfKey.get(id);
        if (first !== undefined) {
          copies.push([index, first]);
          return;
        }
        firstOfKey.set(id, index);
      }
      todo.push(index);
    });
    const size = Math.max(1, Math.min(BATCH, Math.ceil(todo.length / this.#parallel)));
    const batches: number[][] = [];
    for (let start = 0; start < todo.length; start += size) batches.push(todo.slice(start, start + size));
    // `parallel` workers take the batches in order. A worker claims its batch in the same
    // synchronous step that checks one is left (after its await, never across one): two workers
    // can never both see the last batch as free.
    let next = 0;
    let failed = false;
    const takeBatch = (): number[] | undefined => (failed || next >= batches.length ? undefined : batches[next++]);
    const worker = async () => {
      try {
        for (;;) {
          // An offline router answers without I/O, so its awaits never leave the microtask queue:
          // yield to the event loop, where Ctrl-C is delivered, before each batch.
          await new Promise<void>((resolve) => setImmediate(resolve));
          this.#stopIfAborted();
          const batch = takeBatch();
          if (batch === undefined) return;
          await this.#scoreBatch(prompts, batch, rates);
        }
      } catch (error) {
        failed = true; // the other workers take no new batch
        throw error;
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#parallel, batches.length) }, worker));
    for (const [index, first] of copies) rates[index] = rates[first] as number;
    this.scored += copies.length;
    return rates;
  }

  /** Scores one batch of `prompts` (their indices) into `rates`, caching each. */
  async #scoreBatch(prompts: readonly string[], batch: readonly number[], rates: Float64Array): Promise<void> {
    const cache = this.#cache;
    const scores = await scorePrompts(this.#router, batch.map((index) => prompts[index] as string));
    if (scores.length !== batch.length) throw new RouterError(`router "${this.#router.name}" returned ${scores.length} win rates for ${batch.length} prompts`);
    batch.forEach((index, position) => {
      // Checked by scorePrompts: a number in [0, 1].
      const rate = scores[position] as number;
      rates[index] = rate;
      cache?.set(promptKey(prompts[index] as string), rate);
    });
    this.scored += batch.length;
    if (cache && Date.now() - this.#savedAt >= SAVE_EVERY_MS) {
      this.#savedAt = Date.now();
      await cache.save();
    }
  }

  /** Saves what the cache learnt. */
  async close(): Promise<void> {
    await this.#cache?.save();
  }
}

/**
 * Runs `work` telling bin/ (by listening to the signal) that it stops cleanly on Ctrl-C: it checks
 * `aborted` between batches and saves the cache, so the process is not ended at once.
 */
export async function stoppingCleanly<T>(signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
  const listener = () => {};
  signal?.addEventListener('abort', listener);
  try {
    return await work();
  } finally {
    signal?.removeEventListener('abort', listener);
  }
}

/**
 * The router's win rate for each prompt, taking known ones from the cache and scoring the rest
 * in batches (so batching routers batch and progress moves). The cache is saved every few
 * seconds and when scoring fails or is interrupted (`signal`), so the work done is kept.
 * A rate outside [0, 1] is a router bug.
 */
export async function winRatesWithCache(
  router: Router,
  prompts: readonly string[],
  cache: WinRateCache | undefined,
  progress?: ScoringProgress,
  signal?: AbortSignal,
  parallel = 1,
): Promise<Float64Array> {
  const cached = cache ? prompts.reduce((count, prompt) => count + (cache.get(promptKey(prompt)) === undefined ? 0 : 1), 0) : 0;
  progress?.started(prompts.length, cached);
  const scorer = new CachedScorer(router, cache, { signal, parallel });
  const rates = new Float64Array(prompts.length);
  await stoppingCleanly(signal, async () => {
    try {
      for (let start = 0; start < prompts.length; start += CHUNK) {
        rates.set(await scorer.score(prompts.slice(start, start + CHUNK)), start);
        progress?.advanced(Math.min(start + CHUNK, prompts.length), prompts.length);
      }
    } finally {
      await scorer.close();
    }
  });
  progress?.advanced(prompts.length, prompts.length);
  return rates;
}
