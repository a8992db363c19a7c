import type { KeptEntry, PaceDelta, ShareCalibrator } from '../core/index.js';
import { isShareSyncReply, sendQuietly, type ShareChannel, type ShareSyncReply } from './share-channel.js';
import type { ShareStateLog, ShareStateStore } from './share-state-store.js';
import { SharedBudgetTotals } from './shared-budget-totals.js';
import { SyncLoop } from './sync-loop.js';

/** How often a worker syncs its windows with the primary, at most (as the Redis store does). */
export const CLUSTER_SYNC_INTERVAL_MS = 250;
/** Longest a sync waits for the primary before its requests are kept for the next one. */
const REPLY_TIMEOUT_MS = 1000;

/**
 * `serve --workers N`, in a worker: the workers hold each share together through the primary,
 * the way replicas do through Redis. Decisions never wait: they read this worker's window, and
 * every 250 ms at most the requests routed here since the last sync go to the primary, which
 * appends them to the shared window (every worker's requests, trimmed to the window size) and
 * sends it back; it then replaces the local window, followed by what was routed meanwhile.
 * The primary also keeps `--share-state FILE`, so the workers never write it.
 */
export class ClusterShareState implements ShareStateStore {
  readonly #channel: ShareChannel;
  readonly #calibrator: ShareCalibrator;
  readonly #log: ShareStateLog;
  readonly #loop: SyncLoop;
  readonly #budgetTotals = new SharedBudgetTotals();
  #nextId = 0;
  #warned = false;

  constructor(channel: ShareChannel, calibrator: ShareCalibrator, options: { log: ShareStateLog; intervalMs?: number }) {
    this.#channel = channel;
    this.#calibrator = calibrator;
    this.#log = options.log;
    this.#loop = new SyncLoop(options.intervalMs ?? CLUSTER_SYNC_INTERVAL_MS, () => this.#sync());
  }

  async start(): Promise<void> {
    // Windows the primary kept (or loaded from --share-state FILE) arrive with each track's first sync.
    this.#loop.start();
  }

  async close(): Promise<void> {
    await this.#loop.stop();
    // What was routed since the last sync, once more, so the other workers (and the file) keep it.
    await this.#sync();
  }

  async #sync(): Promise<void> {
    const tracks = this.#calibrator.keptTracks();
    const budgets = this.#calibrator.sharedBudgets();
    if (tracks.length === 0 && budgets.length === 0) return;
    const sent = tracks.map((track) => track.takeUnsent());
    const spent = budgets.map((budget) => budget.sharing.takeUnsent());
    const id = (this.#nextId += 1);
    const reply = await this.#ask(id, {
      type: 'routellm:shares',
      id,
      tracks: tracks.map((track, index) => ({ kind: track.kind, router: track.router, fingerprint: track.fingerprint, share: track.share, capacity: track.capacity, unsent: sent[index] as KeptEntry[] })),
      budgets: budgets.map((budget, index) => ({ kind: budget.kind, router: budget.router, fingerprint: budget.fingerprint, usdPerHour: budget.usdPerHour, ...(spent[index] as PaceDelta) })),
    });
    if (!reply) {
      tracks.forEach((track, index) => track.returnUnsent(sent[index] as KeptEntry[]));
      budgets.forEach((budget, index) => budget.sharing.returnUnsent(spent[index] as PaceDelta));
      if (!this.#warned) this.#log.warn('share state: the primary process did not answer a share sync; this worker routes with its own windows until it does');
      this.#warned = true;
      return;
    }
    tracks.forEach((track, index) => {
      const window = reply.windows[index];
      if (window) track.adopt(window);
    });
    budgets.forEach((budget, index) => {
      const totals = reply.budgets?.[index];
      if (totals) this.#budgetTotals.settle(budget, spent[index] as PaceDelta, totals);
    });
    this.#warned = false;
  }

  #ask(id: number, message: unknown): Promise<ShareSyncReply | undefined> {
    return new Promise((resolve) => {
      const done = (reply: ShareSyncReply | undefined) => {
        clearTimeout(timer);
        this.#channel.off('message', onMessage);
        resolve(reply);
      };
      const onMessage = (reply: unknown) => {
        if (isShareSyncReply(reply) && reply.id === id) done(reply);
      };
      const timer = setTimeout(() => done(undefined), REPLY_TIMEOUT_MS);
      this.#channel.on('message', onMessage);
      // The primary is gone (the channel closed): the worker is about to end.
      if (!sendQuietly(this.#channel, message)) done(undefined);
    });
  }
}
