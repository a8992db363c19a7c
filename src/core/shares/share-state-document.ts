import type { ListWindowEntry, SavedListTrack, SavedPairTrack, SavedTrack } from './kept-track.js';
import type { WindowEntry } from './share-window.js';

/** Format tag of a `--share-state` file; bump when the layout changes. */
export const SHARE_STATE_FORMAT = 'routellm-share-state/1';

/** A `--share-state` file: every live share's window, oldest request first. */
export interface ShareStateDocument {
  readonly format: typeof SHARE_STATE_FORMAT;
  readonly window: number;
  readonly tracks: readonly {
    readonly router: string;
    readonly fingerprint: string;
    readonly share: number;
    /** Win rates, oldest first. */
    readonly rates: readonly number[];
    /** 1 where that request went strong. */
    readonly strong: readonly (0 | 1)[];
  }[];
  /**
   * Cost-share windows over a list of models (`router-knn-30%`), present only when there are
   * some, so a pair's file is as it always was and an older routellm reading this file skips them.
   */
  readonly lists?: readonly {
    readonly router: string;
    readonly fingerprint: string;
    readonly share: number;
    /** Per prompt, oldest first: the chosen model's index, its step, every model's shortfall, every model's scaled cost (ListWindowEntry). */
    readonly rows: readonly ListWindowEntry[];
  }[];
}

/** The document for these windows. */
export function shareStateDocument(window: number, tracks: readonly SavedTrack[]): ShareStateDocument {
  const pairs = tracks.filter((track): track is SavedPairTrack => track.kind === 'pair');
  const lists = tracks.filter((track): track is SavedListTrack => track.kind === 'list');
  return {
    format: SHARE_STATE_FORMAT,
    window,
    tracks: pairs.map((track) => ({
      router: track.router,
      fingerprint: track.fingerprint,
      share: track.share,
      rates: track.entries.map(([rate]) => rate),
      strong: track.entries.map(([, strong]) => (strong ? 1 : 0)),
    })),
    ...(lists.length > 0 ? { lists: lists.map((track) => ({ router: track.router, fingerprint: track.fingerprint, share: track.share, rows: track.entries })) } : {}),
  };
}

/** The windows of a parsed document, or why it is not one (another program's file, a damaged one). */
export function savedTracksOf(document: unknown): SavedTrack[] | string {
  if (document === null || typeof document !== 'object' || Array.isArray(document)) return 'not a JSON object';
  const record = document as Record<string, unknown>;
  if (record['format'] !== SHARE_STATE_FORMAT) return `format ${JSON.stringify(record['format'] ?? null)}, expected "${SHARE_STATE_FORMAT}"`;
  const tracks = record['tracks'];
  if (!Array.isArray(tracks)) return 'no "tracks" list';
  const out: SavedTrack[] = [];
  for (const [index, track] of tracks.entries()) {
    const { router, fingerprint, share, rates, strong } = (track ?? {}) as Record<string, unknown>;
    if (typeof router !== 'string' || typeof fingerprint !== 'string' || typeof share !== 'number' || !(share > 0 && share < 1)) {
      return `track ${index} needs "router", "fingerprint" and a "share" in (0, 1)`;
    }
    if (!Array.isArray(rates) || !Array.isArray(strong) || rates.length !== strong.length) return `track ${index}: "rates" and "strong" must be lists of one length`;
    const entries: WindowEntry[] = [];
    for (let i = 0; i < rates.length; i += 1) {
      const rate = rates[i];
      const tier = strong[i];
      if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1) || (tier !== 0 && tier !== 1)) return `track ${index}: entry ${i} is not a win rate in [0, 1] with a 0/1 tier`;
      entries.push([rate, tier === 1]);
    }
    out.push({ kind: 'pair', router, fingerprint, share, entries });
  }
  const lists = record['lists'] ?? [];
  if (!Array.isArray(lists)) return '"lists" is not a list';
  for (const [index, track] of lists.entries()) {
    const { router, fingerprint, share, rows } = (track ?? {}) as Record<string, unknown>;
    if (typeof router !== 'string' || typeof fingerprint !== 'string' || typeof share !== 'number' || !(share > 0 && share < 1)) {
      return `list window ${index} needs "router", "fingerprint" and a "share" in (0, 1)`;
    }
    if (!Array.isArray(rows)) return `list window ${index}: "rows" must be a list`;
    for (const [i, row] of rows.entries()) {
      const problem = listEntryProblem(row);
      if (problem) return `list window ${index}: row ${i} ${problem}`;
    }
    out.push({ kind: 'list', router, fingerprint, share, entries: rows as ListWindowEntry[] });
  }
  return out;
}

/**
 * Why `row` is not a list window's entry (see ListWindowEntry: a model index, a step, then M >= 2
 * shortfalls in [-1, 1] and M costs >= 0), or undefined when it is one.
 */
export function listEntryProblem(row: unknown): string | undefined {
  if (!Array.isArray(row) || row.length < 6 || row.length % 2 !== 0) return 'is not [model index, step, shortfalls..., costs...]';
  const models = (row.length - 2) / 2;
  const [chosen, step, ...rest] = row as unknown[];
  if (!(Number.isInteger(chosen) && (chosen as number) >= 0 && (chosen as number) < models)) return `has model index ${JSON.stringify(chosen)}, not one of 0-${models - 1}`;
  if (!(typeof step === 'number' && step >= 0 && Number.isFinite(step))) return 'has a step that is not a number >= 0';
  if (!rest.slice(0, models).every((loss) => typeof loss === 'number' && loss >= -1 && loss <= 1)) return 'has a shortfall that is not a number in [-1, 1]';
  if (!rest.slice(models).every((cost) => typeof cost === 'number' && cost >= 0 && Number.isFinite(cost))) return 'has a cost that is not a number >= 0';
  return undefined;
}
