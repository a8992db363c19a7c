import type { BudgetStats, SharedBudget } from './budget-pace.js';
import { BudgetTrack } from './budget-track.js';
import { keepRecent } from './keep-recent.js';
import type { KeptTrack, SavedPairTrack, SavedTrack } from './kept-track.js';
import { ShareWindow, type ShareCut, type WindowEntry } from './share-window.js';

/**
 * Default `--share-window`: chosen by measurement (BENCHMARKS.md, share-drift): the largest
 * window that a sudden change of traffic mix has fully replaced about 200 requests later, while
 * its cut still agrees with the ideal one on ~97.6% of steady traffic (1,000: 98.9%, but it
 * lags a change by ~1,000 requests).
 */
export const DEFAULT_SHARE_WINDOW = 200;

/** Share tracks kept at once; past it the least recently used is dropped (clients choose the shares). */
export const MAX_SHARE_TRACKS = 64;

/** A router as a track needs it: its name, and the fingerprint of its weights (other weights, other window). */
export interface TrackedRouter {
  readonly name: string;
  readonly fingerprint: string;
}

/** One decision of a live share: the threshold in force and the tier it gave. */
export interface LiveDecision {
  readonly threshold: number;
  readonly strong: boolean;
  /** A budget's cold-start probe: sent strong below the threshold, to measure what a strong call costs. */
  readonly probe?: true;
}

/** What `/metrics` and `/v1/routellm/stats` report per router and asked share. */
export interface ShareTrackStats {
  readonly router: string;
  /** The asked share, 0..1. */
  readonly share: number;
  /**
   * The threshold the next request would get; for a budget over a list, the knob of its last decision,
   * null when that sent every call to the cheapest model (no knob does: it is above every prompt's shortfall).
   */
  readonly threshold: number | null;
  /** Where it comes from: the calibration table until the window is warm, then the window. */
  readonly source: 'table' | 'window';
  /** Share of the window's requests that went strong; null while it is empty. */
  readonly realizedShare: number | null;
  readonly windowFill: number;
  readonly windowSize: number;
  /** For a budget (`router-mf-$20/h`): `share` is the share it allows now. */
  readonly budget?: BudgetStats;
}

/**
 * The live threshold of one router at one asked share. Until its window holds `warmFill`
 * requests it routes with the calibration table's threshold; from then on with the window's cut
 * for the share. A request whose win rate ties with the cut goes strong for the part of the tie
 * the share needs (a running credit, so the same tie alternates deterministically).
 */
export class ShareTrack implements KeptTrack {
  readonly kind = 'pair' as const;
  readonly router: string;
  readonly fingerprint: string;
  readonly share: number;
  readonly window: ShareWindow;
  /** The calibration table's threshold for this share: the start, until the window is warm. */
  readonly tableThreshold: number;
  /** Requests the window needs before its own cut is used: a quarter of it. */
  readonly warmFill: number;
  /** Requests routed through this track since it was made (or loaded): a persistence dirty mark. */
  observed = 0;
  /** For least-recently-used eviction. */
  lastUsed = 0;
  #cut: ShareCut | undefined;
  #tieCredit = 0;
  /** Requests routed here that a sharing adapter has not yet sent; undefined when nothing shares. */
  #unsent: WindowEntry[] | undefined;

  constructor(router: TrackedRouter, share: number, tableThreshold: number, windowSize: number, sharing: boolean) {
    this.router = router.name;
    this.fingerprint = router.fingerprint;
    this.share = share;
    this.tableThreshold = tableThreshold;
    this.window = new ShareWindow(windowSize);
    this.warmFill = Math.max(1, Math.ceil(windowSize / 4));
    this.#unsent = sharing ? [] : undefined;
  }

  get capacity(): number {
    return this.window.capacity;
  }

  /** Whether the window's own cut is in force. */
  get warm(): boolean {
    return this.window.fill >= this.warmFill;
  }

  /** The threshold the next request gets. */
  get threshold(): number {
    return this.warm ? this.#currentCut().threshold : this.tableThreshold;
  }

  /** Routes one request by its win rate and records it in the window. */
  decide(winRate: number): LiveDecision {
    let threshold = this.tableThreshold;
    let strong: boolean;
    if (this.window.fill >= this.warmFill) {
      const cut = this.#currentCut();
      threshold = cut.threshold;
      if (winRate !== threshold) strong = winRate > threshold;
      else {
        this.#tieCredit += cut.tieFraction;
        strong = this.#tieCredit >= 1 - 1e-9;
        if (strong) this.#tieCredit -= 1;
      }
    } else strong = winRate >= threshold;
    this.#record(winRate, strong);
    return { threshold, strong };
  }

  /** The requests routed here since the last call, oldest first, for a sharing adapter to send. */
  takeUnsent(): WindowEntry[] {
    const unsent = this.#unsent ?? [];
    if (this.#unsent) this.#unsent = [];
    return unsent;
  }

  /** Sending `entries` failed: they go first in the next send (at most a window's worth is kept). */
  returnUnsent(entries: readonly WindowEntry[]): void {
    if (!this.#unsent) return;
    const merged = [...entries, ...this.#unsent];
    this.#unsent = merged.length > this.window.capacity ? merged.slice(-this.window.capacity) : merged;
  }

  /**
   * The shared window came back (every replica's requests, ours included up to the last send):
   * it becomes the window, followed by what was routed here since that send.
   */
  adopt(shared: readonly WindowEntry[]): void {
    this.window.reset(this.#unsent && this.#unsent.length > 0 ? [...shared, ...this.#unsent] : shared);
    this.#cut = undefined;
  }

  /** Loads a saved window (start-up). */
  load(entries: readonly WindowEntry[]): void {
    this.window.reset(entries);
    this.#cut = undefined;
  }

  stats(): ShareTrackStats {
    const realized = this.window.realizedShare;
    return {
      router: this.router,
      share: this.share,
      threshold: this.threshold,
      source: this.warm ? 'window' : 'table',
      realizedShare: Number.isNaN(realized) ? null : realized,
      windowFill: this.window.fill,
      windowSize: this.window.capacity,
    };
  }

  saved(): SavedPairTrack {
    return { kind: 'pair', router: this.router, fingerprint: this.fingerprint, share: this.share, entries: this.window.entries() };
  }

  #record(winRate: number, strong: boolean): void {
    this.window.observe(winRate, strong);
    this.#cut = undefined;
    this.observed += 1;
    this.#unsent?.push([winRate, strong]);
  }

  #currentCut(): ShareCut {
    this.#cut ??= this.window.cut(this.share) as ShareCut;
    return this.#cut;
  }
}

export interface ShareCalibratorOptions {
  /** Requests per window (`--share-window`); default DEFAULT_SHARE_WINDOW. */
  readonly window?: number;
  /** Tracks kept at once; default MAX_SHARE_TRACKS. */
  readonly maxTracks?: number;
  /** Keep each track's unsent requests for a sharing adapter (Redis). */
  readonly sharing?: boolean;
  /** Monotonic milliseconds, for budgets (`router-mf-$20/h`); without it budgets are refused. */
  readonly now?: () => number;
  /** USD of one strong call before any is measured; undefined when the strong model has no price (budgets are refused). */
  readonly strongCostPrior?: number;
}

/** A budget over a list of models (core/model-list's ListBudgetTrack), kept with the pair's budgets. */
export interface ListBudget extends SharedBudget {
  lastUsed: number;
  stats(): ShareTrackStats;
}

/** Why a budget cannot be held here, or undefined when it can. */
export type BudgetRefusal = 'not-live' | 'no-price';

/**
 * Online share calibration: one ShareTrack per router and asked share in use, made on first use
 * from the calibration table's threshold (or from a saved window of the same router weights).
 * Pure: no clock, no I/O; persistence and sharing are adapters over `tracks()`, `saved()` and
 * `load()`.
 */
export class ShareCalibrator {
  readonly windowSize: number;
  readonly maxTracks: number;
  readonly sharing: boolean;
  readonly #tracks = new Map<string, Map<number, ShareTrack>>();
  /** Cost-share tracks over a list of models, by router and share. */
  readonly #listTracks = new Map<string, KeptTrack>();
  readonly #saved = new Map<string, SavedTrack>();
  readonly #budgets = new Map<string, Map<number, BudgetTrack>>();
  /** Budgets over a list of models, by router and USD per hour. */
  readonly #listBudgets = new Map<string, ListBudget>();
  readonly #now: (() => number) | undefined;
  readonly #strongCostPrior: number | undefined;
  #count = 0;
  #uses = 0;
  /** Requests counted by tracks since evicted, so `observed` never goes back. */
  #retired = 0;

  constructor(options: ShareCalibratorOptions = {}) {
    const window = options.window ?? DEFAULT_SHARE_WINDOW;
    if (!Number.isInteger(window) || window < 1) throw new RangeError(`share window must be a positive integer, got ${window}`);
    this.windowSize = window;
    this.maxTracks = options.maxTracks ?? MAX_SHARE_TRACKS;
    this.sharing = options.sharing ?? false;
    this.#now = options.now;
    this.#strongCostPrior = options.strongCostPrior;
  }

  /** Why budgets cannot be held (no clock: not serving; no strong price), or undefined. */
  get budgetRefusal(): BudgetRefusal | undefined {
    if (!this.#now) return 'not-live';
    if (this.#strongCostPrior === undefined) return 'no-price';
    return undefined;
  }

  /** The budget track of `router` at `usdPerHour`, made on first use (check budgetRefusal first). */
  budgetTrack(router: TrackedRouter, usdPerHour: number, tableThreshold: (share: number) => number): BudgetTrack {
    let byBudget = this.#budgets.get(router.name);
    if (!byBudget) {
      byBudget = new Map();
      this.#budgets.set(router.name, byBudget);
    }
    let track = byBudget.get(usdPerHour);
    if (track === undefined) {
      if (this.#count >= this.maxTracks) this.#evictLeastRecent();
      this.#count += 1;
      track = new BudgetTrack(router, {
        usdPerHour,
        strongCostPrior: this.#strongCostPrior ?? Number.NaN,
        windowSize: this.windowSize,
        now: this.#now ?? (() => 0),
        tableThreshold,
      });
      byBudget.set(usdPerHour, track);
    }
    track.lastUsed = ++this.#uses;
    return track;
  }

  /**
   * The budget over a list of `router` (its fingerprint names the weights and the list) at
   * `usdPerHour`, made on first use by `make` with this calibrator's clock (check budgetRefusal first).
   */
  listBudgetTrack<T extends ListBudget>(router: TrackedRouter, usdPerHour: number, make: (now: () => number) => T): T {
    return this.#kept(this.#listBudgets, savedKey(router.name, usdPerHour), router.fingerprint, () => make(this.#now ?? (() => 0))) as T;
  }

  /** The track of `router` at `share`, made on first use starting from `tableThreshold`. */
  track(router: TrackedRouter, share: number, tableThreshold: number): ShareTrack {
    let byShare = this.#tracks.get(router.name);
    let track = byShare?.get(share);
    if (track === undefined || track.fingerprint !== router.fingerprint) {
      if (!byShare) {
        byShare = new Map();
        this.#tracks.set(router.name, byShare);
      }
      if (track === undefined) {
        if (this.#count >= this.maxTracks) this.#evictLeastRecent();
        this.#count += 1;
      }
      track = new ShareTrack(router, share, tableThreshold, this.windowSize, this.sharing);
      const saved = this.#saved.get(savedKey(router.name, share));
      if (saved?.kind === 'pair' && saved.fingerprint === router.fingerprint) {
        track.load(saved.entries);
        // Taken: a name evicted later starts cold when it returns, as a new name does.
        this.#saved.delete(savedKey(router.name, share));
      }
      byShare.set(share, track);
    }
    track.lastUsed = ++this.#uses;
    return track;
  }

  /**
   * The cost-share track over a list of models of `router` (its fingerprint names the weights and
   * the models scored) at `share`, made on first use by `make` (core/model-list builds it) and
   * started from a saved window of the same fingerprint: kept, saved and shared like a pair's.
   */
  listTrack<T extends KeptTrack>(router: TrackedRouter, share: number, make: () => T): T {
    const key = savedKey(router.name, share);
    return this.#kept(this.#listTracks, key, router.fingerprint, () => {
      const track = make();
      const saved = this.#saved.get(key);
      if (saved?.kind === 'list' && saved.fingerprint === router.fingerprint) {
        track.load(saved.entries);
        this.#saved.delete(key);
      }
      return track;
    }) as T;
  }

  /** The track under `key` in `tracks`, made by `make` when missing or of other weights (counted against maxTracks). */
  #kept<T extends { readonly fingerprint: string; lastUsed: number }>(tracks: Map<string, T>, key: string, fingerprint: string, make: () => T): T {
    let track = tracks.get(key);
    if (track === undefined || track.fingerprint !== fingerprint) {
      if (track === undefined) {
        if (this.#count >= this.maxTracks) this.#evictLeastRecent();
        this.#count += 1;
      }
      track = make();
      tracks.set(key, track);
    }
    track.lastUsed = ++this.#uses;
    return track;
  }

  /** Every pair track in use. */
  tracks(): ShareTrack[] {
    return [...this.#tracks.values()].flatMap((byShare) => [...byShare.values()]);
  }

  /** Every window the share-state stores keep: the pair's tracks, then the lists'. */
  keptTracks(): KeptTrack[] {
    return [...this.tracks(), ...this.#listTracks.values()];
  }

  /** Every budget in use, the pair's and the lists': what the sharing stores (Redis, `serve --workers`) hold together. */
  sharedBudgets(): SharedBudget[] {
    return [...[...this.#budgets.values()].flatMap((byBudget) => [...byBudget.values()]), ...this.#listBudgets.values()];
  }

  /** Requests routed through every live share so far: changes whenever there is something new to save. */
  get observed(): number {
    let total = this.#retired;
    for (const track of this.keptTracks()) total += track.observed;
    return total;
  }

  stats(): ShareTrackStats[] {
    const budgets = [...this.#budgets.values()].flatMap((byBudget) => [...byBudget.values()]);
    return [
      ...this.keptTracks().map((track) => track.stats()),
      ...budgets.map((track) => {
        const realized = track.window.realizedShare;
        return {
          router: track.router,
          share: track.share(),
          threshold: track.threshold(),
          source: track.window.fill >= track.warmFill ? ('window' as const) : ('table' as const),
          realizedShare: Number.isNaN(realized) ? null : realized,
          windowFill: track.window.fill,
          windowSize: track.window.capacity,
          budget: track.budgetStats(),
        };
      }),
      ...[...this.#listBudgets.values()].map((track) => track.stats()),
    ];
  }

  /** Every kept window, to save. */
  saved(): SavedTrack[] {
    return this.keptTracks().map((track) => track.saved());
  }

  /**
   * Saved windows to start from: a track made later for the same router, share and fingerprint
   * starts with its window (tracks already made take it now).
   */
  load(saved: readonly SavedTrack[]): void {
    for (const entry of saved) {
      const key = savedKey(entry.router, entry.share);
      const track = entry.kind === 'pair' ? this.#tracks.get(entry.router)?.get(entry.share) : this.#listTracks.get(key);
      if (track && track.fingerprint === entry.fingerprint) track.load(entry.entries);
      else {
        // At most maxTracks waiting, the last loaded (a file or Redis may hold any number of client-chosen names).
        keepRecent(this.#saved, key, entry, this.maxTracks);
      }
    }
  }

  /** Saved windows loaded (`load`) that no track has taken yet: what start-up can open before any request. */
  pendingSaved(): SavedTrack[] {
    return [...this.#saved.values()].filter((saved) =>
      saved.kind === 'pair' ? this.#tracks.get(saved.router)?.get(saved.share) === undefined : !this.#listTracks.has(savedKey(saved.router, saved.share)),
    );
  }

  #evictLeastRecent(): void {
    let oldest: KeptTrack | BudgetTrack | ListBudget | undefined;
    for (const track of this.keptTracks()) if (!oldest || track.lastUsed < oldest.lastUsed) oldest = track;
    for (const track of this.#listBudgets.values()) if (!oldest || track.lastUsed < oldest.lastUsed) oldest = track;
    for (const byBudget of this.#budgets.values()) for (const track of byBudget.values()) if (!oldest || track.lastUsed < oldest.lastUsed) oldest = track;
    if (!oldest) return;
    if (oldest instanceof BudgetTrack) this.#budgets.get(oldest.router)?.delete(oldest.usdPerHour);
    else if ('usdPerHour' in oldest) this.#listBudgets.delete(savedKey(oldest.router, oldest.usdPerHour));
    else {
      if (oldest.kind === 'pair') this.#tracks.get(oldest.router)?.delete(oldest.share);
      else this.#listTracks.delete(savedKey(oldest.router, oldest.share));
      this.#retired += oldest.observed;
    }
    this.#count -= 1;
  }
}

function savedKey(router: string, share: number): string {
  return `${router}\u0000${share}`;
}
