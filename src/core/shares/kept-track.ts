import type { ShareTrackStats } from './share-calibrator.js';
import type { WindowEntry } from './share-window.js';

/**
 * One prompt of a cost-share window over a list of models (`router-knn-30%`), M models: the index
 * of the model it went to, its step from the all-cheapest to the all-strongest bill on the rule's
 * scale, every model's shortfall (q_ref - q_m) and every model's cost on that scale (list order):
 * 2 + 2M numbers. What a list's window keeps, saves and shares, as a pair's keeps [win rate, strong].
 */
export type ListWindowEntry = readonly number[];

/** One routed request as a kept window holds it: a pair's or a list's. */
export type KeptEntry = WindowEntry | ListWindowEntry;

/** One kept window as saved (file) or shared (Redis, `--workers`): a router, an asked share and its requests, oldest first. */
export type SavedTrack = SavedPairTrack | SavedListTrack;

interface SavedTrackBase {
  readonly router: string;
  /** The weights (and, over a list, the models scored) the window was made with: other ones, other window. */
  readonly fingerprint: string;
  readonly share: number;
}

export interface SavedPairTrack extends SavedTrackBase {
  readonly kind: 'pair';
  readonly entries: readonly WindowEntry[];
}

export interface SavedListTrack extends SavedTrackBase {
  readonly kind: 'list';
  readonly entries: readonly ListWindowEntry[];
}

/**
 * A live share's window as the share-state stores keep it beyond the process (`--share-state`,
 * Redis, `serve --workers`): the pair's ShareTrack and a list's cost-share track alike. Decisions
 * never wait on a store: it takes what was routed since its last sync, sends it, and gives back
 * the shared window to adopt (or the unsent requests, when sending failed).
 */
export interface KeptTrack {
  readonly kind: 'pair' | 'list';
  readonly router: string;
  readonly fingerprint: string;
  readonly share: number;
  /** Requests the window holds at most (`--share-window`). */
  readonly capacity: number;
  /** Requests routed through this track since it was made (or loaded): a persistence dirty mark. */
  observed: number;
  /** For least-recently-used eviction. */
  lastUsed: number;
  /** The requests routed here since the last call, oldest first, for a sharing store to send. */
  takeUnsent(): KeptEntry[];
  /** Sending `entries` failed: they go first in the next send (at most a window's worth is kept). */
  returnUnsent(entries: readonly KeptEntry[]): void;
  /** The shared window came back: it becomes the window, followed by what was routed here since that send. */
  adopt(shared: readonly KeptEntry[]): void;
  /** Loads a saved window (start-up). */
  load(entries: readonly KeptEntry[]): void;
  saved(): SavedTrack;
  stats(): ShareTrackStats;
}
