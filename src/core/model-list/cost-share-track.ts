import type { PricedShortfalls } from './knob-for-cost-share.js';
import type { KeptEntry, KeptTrack, ListWindowEntry, SavedListTrack } from '../shares/kept-track.js';
import type { ShareTrackStats, TrackedRouter } from '../shares/share-calibrator.js';
import { listEntryProblem } from '../shares/share-state-document.js';
import { chooseByShortfall } from './choose-model.js';
import { CostShareWindow } from './cost-share-window.js';

/**
 * The live knob of one list router at one asked cost share (`router-knn-30%`): a CostShareWindow
 * of the prompts routed with it, the knob cut on it before each decision (the prompt itself
 * included). Kept like a pair's ShareTrack by the ShareCalibrator, so `--share-state` saves it,
 * Redis and `serve --workers` share it. Pure (no clock, no I/O).
 */
export class CostShareTrack implements KeptTrack {
  readonly kind = 'list' as const;
  readonly router: string;
  /** The router's weights and the models it scores for this list: a window means something only for them. */
  readonly fingerprint: string;
  readonly share: number;
  readonly window: CostShareWindow;
  readonly #scaled: Float64Array;
  observed = 0;
  lastUsed = 0;
  /** Prompts routed here that a sharing store has not yet sent; undefined when nothing shares. */
  #unsent: ListWindowEntry[] | undefined;

  /** `prior`: the prompts the window starts full of (CostShareWindow), until live ones push them out. */
  constructor(router: TrackedRouter, share: number, scaled: Float64Array, windowSize: number, sharing: boolean, prior: readonly PricedShortfalls[] = []) {
    this.router = router.name;
    this.fingerprint = router.fingerprint;
    this.share = share;
    this.#scaled = scaled;
    this.window = new CostShareWindow(windowSize, scaled, prior);
    this.#unsent = sharing ? [] : undefined;
  }

  get capacity(): number {
    return this.window.capacity;
  }

  /**
   * Routes one prompt by its shortfalls and its own costs on the rule's scale (default the
   * window's): the knob the window cuts with it, and the model chosen there.
   */
  decide(losses: Float64Array, scaled: Float64Array = this.#scaled, step = 1): { knob: number; index: number } {
    this.window.observe(losses, scaled, step);
    const knob = this.window.knob(this.share);
    const index = chooseByShortfall(losses, scaled, knob);
    this.window.chose(index);
    this.observed += 1;
    this.#unsent?.push([index, step, ...losses, ...scaled]);
    return { knob, index };
  }

  /** The knob the next prompt would be decided at, but for its own shortfalls (0 while the window and its prior are empty). */
  get knob(): number {
    return this.window.fill + this.window.priorFill > 0 ? this.window.knob(this.share) : 0;
  }

  takeUnsent(): ListWindowEntry[] {
    const unsent = this.#unsent ?? [];
    if (this.#unsent) this.#unsent = [];
    return unsent;
  }

  returnUnsent(entries: readonly KeptEntry[]): void {
    if (!this.#unsent) return;
    const merged = [...this.#usable(entries), ...this.#unsent];
    this.#unsent = merged.length > this.capacity ? merged.slice(-this.capacity) : merged;
  }

  adopt(shared: readonly KeptEntry[]): void {
    const usable = this.#usable(shared);
    this.window.reset(this.#unsent && this.#unsent.length > 0 ? [...usable, ...this.#unsent] : usable);
  }

  load(entries: readonly KeptEntry[]): void {
    this.window.reset(this.#usable(entries));
  }

  saved(): SavedListTrack {
    return { kind: 'list', router: this.router, fingerprint: this.fingerprint, share: this.share, entries: this.window.entries() };
  }

  stats(): ShareTrackStats {
    const realized = this.window.realizedShare;
    return {
      router: this.router,
      share: this.share,
      threshold: this.knob,
      // 'table' while prompts of the router's prior (its training prompts) are still in the window.
      source: this.window.priorFill > 0 ? 'table' : 'window',
      realizedShare: Number.isNaN(realized) ? null : realized,
      windowFill: this.window.fill,
      windowSize: this.capacity,
    };
  }

  /** Entries of this list's width (a window saved or shared for another list, or damaged, is not used). */
  #usable(entries: readonly KeptEntry[]): ListWindowEntry[] {
    const width = 2 + 2 * this.#scaled.length;
    return entries.filter((entry): entry is ListWindowEntry => entry.length === width && listEntryProblem(entry) === undefined);
  }
}
