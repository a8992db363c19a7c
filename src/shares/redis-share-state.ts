import { createHash } from 'node:crypto';
import type { Redis as RedisClient } from 'ioredis';
import { listEntryProblem, UsageError, type KeptEntry, type KeptTrack, type ListWindowEntry, type PaceDelta, type SavedTrack, type ShareCalibrator, type WindowEntry } from '../core/index.js';
import type { RouterFingerprints, ShareStateLog, ShareStateStore } from './share-state-store.js';
import { sharedBudgetKey, SharedBudgetTotals } from './shared-budget-totals.js';
import { SyncLoop } from './sync-loop.js';

/** How often the local windows sync with Redis, at most. */
export const REDIS_SYNC_INTERVAL_MS = 250;
/** A shared window nobody has routed with for this long is dropped by Redis. */
const KEY_TTL_MS = 7 * 24 * 3600 * 1000;
/** Longest a sync (or the last one, at shutdown) may wait on Redis. */
const COMMAND_TIMEOUT_MS = 1000;

/** `redis://host:port/db` (or `rediss://`), checked at start-up: a typo is a usage error, not a silent local-only replica. */
export function parseRedisUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--share-state: "${raw}" is not a URL; use redis://host:port/db, or a file path`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new UsageError(`--share-state: "${url.protocol}" is not redis: or rediss:`);
  const db = url.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) throw new UsageError(`--share-state: the database in ${publicRedisUrl(url)} must be a number (redis://host:port/0)`);
  return url;
}

/** The URL without a password, for logs. */
export function publicRedisUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`;
}

/**
 * `--share-state redis://host:port/db`: N replicas hold each share together. Decisions never wait
 * on Redis: they read this replica's window, and every 250 ms at most a background sync sends the
 * requests routed here since the last one (RPUSH + LTRIM to the window size, per router and share)
 * and reads the shared window back (LRANGE), in one MULTI. The shared window then replaces the
 * local one, followed by what was routed during the round trip. Budgets (`router-<r>-$20/h`) go in
 * the same MULTI: each adds its requests and spend to the budget's totals and reads them back
 * (SharedBudgetTotals). When Redis is gone, routing goes
 * on with the local window, one warning is logged, unsent requests are kept (a window's worth)
 * and the sync resumes, with one line, when Redis answers again.
 */
export class RedisShareState implements ShareStateStore {
  readonly #url: URL;
  readonly #calibrator: ShareCalibrator;
  readonly #log: ShareStateLog;
  readonly #loop: SyncLoop;
  readonly #fingerprints: RouterFingerprints;
  #client: RedisClient | undefined;
  #healthy = true;
  #warnedEntries = false;
  /** The last connection error ioredis reported, for the outage warning. */
  #socketError: string | undefined;
  readonly #keys = new WeakMap<KeptTrack, string>();
  readonly #budgetTotals = new SharedBudgetTotals();

  constructor(url: URL, calibrator: ShareCalibrator, options: { log: ShareStateLog; intervalMs?: number; fingerprints?: RouterFingerprints }) {
    this.#url = url;
    this.#fingerprints = options.fingerprints ?? new Map();
    this.#calibrator = calibrator;
    this.#log = options.log;
    this.#loop = new SyncLoop(options.intervalMs ?? REDIS_SYNC_INTERVAL_MS, () => this.#sync());
  }

  async start(): Promise<void> {
    // Loaded here, by the one command that needs it.
    const { Redis } = await import('ioredis');
    const client = new Redis(this.#url.href, {
      lazyConnect: true,
      // A command while disconnected fails at once instead of queueing: the sync keeps its
      // requests itself and the request path never waits on Redis.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: COMMAND_TIMEOUT_MS,
      connectTimeout: COMMAND_TIMEOUT_MS,
      retryStrategy: (times) => Math.min(100 * times, 1000),
    });
    // Connection errors are reported by the sync, once per outage (with the socket's reason,
    // ECONNREFUSED, rather than the command's "Connection is closed"); ioredis reconnects by itself.
    client.on('error', (error: NodeJS.ErrnoException) => {
      this.#socketError = error.code ?? error.message;
    });
    this.#client = client;
    try {
      await client.connect();
      await this.#loadShared(client);
    } catch (error) {
      this.#outage(error);
    }
    this.#loop.start();
  }

  /**
   * The windows Redis holds for the routers loaded here (same weights), read once at start-up so
   * they are live shares, in the stats and metrics, before this replica's first request.
   */
  async #loadShared(client: RedisClient): Promise<void> {
    const saved: SavedTrack[] = [];
    for (const [router, fingerprint] of this.#fingerprints) {
      const prefix = `routellm:share:${router}:`;
      const suffix = `:${weightsOf(fingerprint)}`;
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*${suffix}`, 'COUNT', 100);
        cursor = next;
        for (const key of keys) {
          const share = Number(key.slice(prefix.length, key.length - suffix.length));
          if (!(share >= 0 && share <= 1)) continue;
          const entries = this.#decode(await client.lrange(key, 0, -1));
          // A list's window (`l...` entries) or a pair's (`s`/`w`): the key's fingerprint says which, the entries show it.
          if (entries.length > 0) saved.push(isListEntry(entries[0] as KeptEntry) ? { kind: 'list', router, fingerprint, share, entries: entries.filter(isListEntry) } : { kind: 'pair', router, fingerprint, share, entries: entries.filter((entry) => !isListEntry(entry)) as WindowEntry[] });
        }
      } while (cursor !== '0');
    }
    if (saved.length === 0) return;
    this.#calibrator.load(saved);
    this.#log.info(`share state: loaded ${saved.length} window(s) from Redis at ${publicRedisUrl(this.#url)}`);
  }

  async close(): Promise<void> {
    await this.#loop.stop();
    // The requests routed since the last sync, once more, so the other replicas keep them.
    if (this.#healthy && this.#client?.status === 'ready') await this.#sync();
    this.#client?.disconnect();
  }

  async #sync(): Promise<void> {
    const client = this.#client;
    const tracks = this.#calibrator.keptTracks();
    const budgets = this.#calibrator.sharedBudgets();
    if (!client || (tracks.length === 0 && budgets.length === 0)) return;
    const sent = tracks.map((track) => track.takeUnsent());
    const spent = budgets.map((budget) => budget.sharing.takeUnsent());
    const multi = client.multi();
    tracks.forEach((track, index) => {
      const key = this.#keyOf(track);
      const unsent = sent[index] as KeptEntry[];
      if (unsent.length > 0) {
        multi.rpush(key, ...unsent.map(encodeEntry));
        multi.ltrim(key, -track.capacity, -1);
        multi.pexpire(key, KEY_TTL_MS);
      }
      multi.lrange(key, 0, -1);
    });
    // A budget's totals (every replica's requests and spend) in a hash: each adds its own and reads them back.
    budgets.forEach((budget, index) => {
      const key = `routellm:budget:${sharedBudgetKey(budget)}`;
      const delta = spent[index] as PaceDelta;
      multi.hincrbyfloat(key, 'requests', delta.requests);
      multi.hincrbyfloat(key, 'usd', delta.usd);
      multi.pexpire(key, KEY_TTL_MS);
      multi.hmget(key, 'requests', 'usd');
    });
    let replies: [Error | null, unknown][] | null;
    try {
      replies = await multi.exec();
      if (!replies) throw new Error('the transaction was aborted');
    } catch (error) {
      tracks.forEach((track, index) => track.returnUnsent(sent[index] as KeptEntry[]));
      budgets.forEach((budget, index) => budget.sharing.returnUnsent(spent[index] as PaceDelta));
      this.#outage(error);
      return;
    }
    let at = 0;
    tracks.forEach((track, index) => {
      at += (sent[index] as KeptEntry[]).length > 0 ? 3 : 0;
      const [error, value] = replies[at] as [Error | null, unknown];
      at += 1;
      if (error || !Array.isArray(value)) return;
      track.adopt(this.#decode(value as string[]));
    });
    budgets.forEach((budget, index) => {
      const [error, value] = replies[at + 3] as [Error | null, unknown];
      at += 4;
      const [requests, usd] = Array.isArray(value) ? value.map(Number) : [];
      if (!error && requests! >= 0 && usd! >= 0) this.#budgetTotals.settle(budget, spent[index] as PaceDelta, { requests: requests!, usd: usd! });
    });
    this.#socketError = undefined;
    if (!this.#healthy) this.#log.info(`share state: Redis at ${publicRedisUrl(this.#url)} answers again; share windows resynced`);
    this.#healthy = true;
  }

  #outage(error: unknown): void {
    if (!this.#healthy) return;
    this.#healthy = false;
    const reason = this.#socketError ?? (error as NodeJS.ErrnoException)?.code ?? (error as Error)?.message ?? String(error);
    this.#log.warn(
      `share state: Redis at ${publicRedisUrl(this.#url)} is unreachable (${reason}); routing goes on with this replica's own share windows and resyncs when it answers`,
    );
  }

  #keyOf(track: KeptTrack): string {
    let key = this.#keys.get(track);
    if (key === undefined) {
      key = `routellm:share:${track.router}:${track.share}:${weightsOf(track.fingerprint)}`;
      this.#keys.set(track, key);
    }
    return key;
  }

  #decode(values: readonly string[]): KeptEntry[] {
    const entries: KeptEntry[] = [];
    for (const value of values) {
      const entry = decodeEntry(value);
      if (entry) entries.push(entry);
      else if (!this.#warnedEntries) {
        this.#warnedEntries = true;
        this.#log.warn(`share state: Redis at ${publicRedisUrl(this.#url)} holds entries that are not routellm's (${JSON.stringify(value.slice(0, 40))}) under routellm:share:*; they are ignored`);
      }
    }
    return entries;
  }
}

/** Replicas share a window only for the same router weights: the fingerprint's hash is part of the key. */
function weightsOf(fingerprint: string): string {
  return createHash('sha256').update(fingerprint).digest('hex').slice(0, 16);
}

/**
 * One routed request in a shared list: a pair's, `s` or `w` (its tier) and its win rate; a list's,
 * `l` and its model index and shortfalls, comma-separated.
 */
function encodeEntry(entry: KeptEntry): string {
  if (isListEntry(entry)) return `l${entry.join(',')}`;
  const [rate, strong] = entry;
  return `${strong ? 's' : 'w'}${rate}`;
}

function isListEntry(entry: KeptEntry): entry is ListWindowEntry {
  return typeof entry[1] === 'number';
}

function decodeEntry(value: string): KeptEntry | undefined {
  if (value[0] === 'l') {
    const row = value.slice(1).split(',').map(Number);
    return listEntryProblem(row) === undefined ? row : undefined;
  }
  const tier = value[0];
  const rate = Number(value.slice(1));
  if ((tier !== 's' && tier !== 'w') || value.length < 2 || !(rate >= 0 && rate <= 1)) return undefined;
  return [rate, tier === 's'];
}
