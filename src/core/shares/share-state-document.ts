import type { SavedTrack } from './share-calibrator.js';
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
}

/** The document for these windows. */
export function shareStateDocument(window: number, tracks: readonly SavedTrack[]): ShareStateDocument {
  return {
    format: SHARE_STATE_FORMAT,
    window,
    tracks: tracks.map((track) => ({
      router: track.router,
      fingerprint: track.fingerprint,
      share: track.share,
      rates: track.entries.map(([rate]) => rate),
      strong: track.entries.map(([, strong]) => (strong ? 1 : 0)),
    })),
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
    out.push({ router, fingerprint, share, entries });
  }
  return out;
}
