import { keepRecent, MAX_SHARE_TRACKS, shareStateDocument, type KeptEntry, type PaceDelta, type SavedTrack } from '../core/index.js';
import { readShareStateFile } from './file-share-state.js';
import { ShareStateSaver } from './share-state-saver.js';
import type { ShareSyncReply, ShareSyncRequest } from './share-channel.js';
import type { ShareStateLog } from './share-state-store.js';
import { sharedBudgetKey } from './shared-budget-totals.js';

interface HubWindow {
  readonly kind: 'pair' | 'list';
  readonly router: string;
  readonly fingerprint: string;
  readonly share: number;
  entries: KeptEntry[];
}

/**
 * `serve --workers N`, in the primary: the shared window of each router, share and router
 * weights (the fingerprint is part of the key, so workers share a window only for the same
 * weights). Each worker's sync appends what it routed and gets the whole window back. With
 * `--share-state FILE` the hub loads the file at start-up and writes it (atomically, at most once
 * a second while windows change, and at shutdown) in the single-process format.
 *
 * Clients choose the names (`router-mf-30.0001%`, `router-mf-$0.0001/h`), so the hub keeps at most
 * `maxWindows` windows and as many budgets' totals, dropping the one no worker has synced for the
 * longest: each worker syncs every name it holds every 250 ms, and holds at most MAX_SHARE_TRACKS.
 */
export class ClusterShareHub {
  readonly #windows = new Map<string, HubWindow>();
  /** Each budget's requests and spend over every worker (held in memory: budgets are not saved). */
  readonly #budgets = new Map<string, PaceDelta>();
  readonly #path: string | undefined;
  readonly #windowSize: number;
  readonly #maxWindows: number;
  readonly #log: ShareStateLog;
  #changes = 0;
  #saver: ShareStateSaver | undefined;

  /** `maxWindows`: windows (and budgets) kept at once; default MAX_SHARE_TRACKS, `serve --workers N` gives (N + 1) x MAX_SHARE_TRACKS (room for every worker's names and those just dropped). */
  constructor(options: { path?: string | undefined; windowSize: number; maxWindows?: number; log: ShareStateLog }) {
    this.#path = options.path;
    this.#windowSize = options.windowSize;
    this.#maxWindows = options.maxWindows ?? MAX_SHARE_TRACKS;
    this.#log = options.log;
  }

  /** Loads `--share-state FILE` (a missing file starts cold; a foreign one warns once) and starts saving it. */
  async start(): Promise<void> {
    if (this.#path === undefined) return;
    const tracks = (await readShareStateFile(this.#path, this.#log)) ?? [];
    for (const track of tracks) keepRecent(this.#windows, keyOf(track), { ...track, entries: [...track.entries] }, this.#maxWindows);
    if (tracks.length > 0) this.#log.info(`share state: loaded ${tracks.length} window(s) from ${this.#path} for the workers`);
    this.#saver = new ShareStateSaver(this.#path, { version: () => this.#changes, text: () => this.#text() }, { log: this.#log, savedAt: 0 });
  }

  /** Appends each track's new requests to its shared window, adds each budget's, and answers with the windows and the budgets' totals. */
  sync(request: ShareSyncRequest): ShareSyncReply {
    const windows = request.tracks.map((track) => {
      const key = keyOf(track);
      const window = this.#windows.get(key) ?? { kind: track.kind, router: track.router, fingerprint: track.fingerprint, share: track.share, entries: [] };
      keepRecent(this.#windows, key, window, this.#maxWindows);
      if (track.unsent.length > 0) {
        window.entries.push(...track.unsent);
        if (window.entries.length > track.capacity) window.entries = window.entries.slice(-track.capacity);
        this.#changes += 1;
      }
      return window.entries;
    });
    const budgets = (request.budgets ?? []).map((budget) => {
      const key = sharedBudgetKey(budget);
      const before = this.#budgets.get(key) ?? { requests: 0, usd: 0 };
      const totals = { requests: before.requests + budget.requests, usd: before.usd + budget.usd };
      keepRecent(this.#budgets, key, totals, this.#maxWindows);
      return totals;
    });
    return { type: 'routellm:shares-reply', id: request.id, windows, budgets };
  }

  /** Saves once more and stops. */
  async close(): Promise<void> {
    await this.#saver?.close();
  }

  #text(): string {
    const tracks = [...this.#windows.values()].map((window) => ({ kind: window.kind, router: window.router, fingerprint: window.fingerprint, share: window.share, entries: window.entries }) as SavedTrack);
    return JSON.stringify(shareStateDocument(this.#windowSize, tracks));
  }
}

function keyOf(track: { kind: string; router: string; share: number; fingerprint: string }): string {
  return `${track.kind}\u0000${track.router}\u0000${track.share}\u0000${track.fingerprint}`;
}
