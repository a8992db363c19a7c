import type { KeptEntry, PaceDelta } from '../core/index.js';

/**
 * The IPC channel between a `serve --workers N` worker and the primary (a cluster worker's
 * `process`, the primary's `Worker`): what the share windows travel over.
 */
export interface ShareChannel {
  /** With a callback, a closed channel reports its error there instead of as an 'error' event (which would end the process). */
  send(message: unknown, callback: (error: Error | null) => void): boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
}

/** One track as a worker sends it: which window, and the requests it routed since the last sync. */
export interface SyncedTrack {
  /** A pair's window or a list's (their entries differ). */
  readonly kind: 'pair' | 'list';
  readonly router: string;
  readonly fingerprint: string;
  readonly share: number;
  readonly capacity: number;
  readonly unsent: readonly KeptEntry[];
}

/** One budget as a worker sends it: which budget, and the requests and spend it counted since the last sync. */
export interface SyncedBudget extends PaceDelta {
  readonly kind: 'pair' | 'list';
  readonly router: string;
  readonly fingerprint: string;
  readonly usdPerHour: number;
}

/** Worker to primary: the requests routed since the last sync, per track, and per budget. */
export interface ShareSyncRequest {
  readonly type: 'routellm:shares';
  readonly id: number;
  readonly tracks: readonly SyncedTrack[];
  readonly budgets?: readonly SyncedBudget[];
}

/** Primary to worker: each track's shared window (every worker's requests), in the request's order. */
export interface ShareSyncReply {
  readonly type: 'routellm:shares-reply';
  readonly id: number;
  readonly windows: readonly (readonly KeptEntry[])[];
  /** Each budget's totals over every worker, in the request's order. */
  readonly budgets?: readonly PaceDelta[];
}

export function isShareSyncRequest(message: unknown): message is ShareSyncRequest {
  return (message as { type?: unknown } | null)?.type === 'routellm:shares';
}

export function isShareSyncReply(message: unknown): message is ShareSyncReply {
  return (message as { type?: unknown } | null)?.type === 'routellm:shares-reply';
}

/** Sends `message`; false (and no error event) when the channel is closed, e.g. the other side has ended. */
export function sendQuietly(channel: ShareChannel, message: unknown): boolean {
  try {
    return channel.send(message, () => {});
  } catch {
    return false;
  }
}
