import type { GatePause } from './rate-gate.js';

/** Where a labelling run stands, as the progress display shows it. */
export interface LabelProgressState {
  /** Prompts this run is to label. */
  readonly total: number;
  readonly labelled: number;
  readonly failed: number;
  readonly inFlight: number;
  /** Prompts allowed in flight now (below --concurrency after 429s). */
  readonly limit: number;
  /** USD spent by this run; undefined when a model has no price. */
  readonly spentUsd: number | undefined;
  /** When the current global pause ends (ms since the epoch), or 0. */
  readonly pausedUntil: number;
  /** Milliseconds since the run started. */
  readonly elapsedMs: number;
}

/** What a labelling run reports while it runs: a live display on a terminal, plain lines elsewhere. */
export interface LabelProgress {
  /** The state changed (a prompt finished or started). */
  update(state: LabelProgressState): void;
  /** Every call is paused (429 or overload). */
  paused(pause: GatePause): void;
  /** A line worth keeping in the log: a prompt that failed, the reason for a stop. */
  note(line: string): void;
  close(): void;
}
