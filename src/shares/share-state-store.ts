/** Keeps live share windows beyond one process: a file (`--share-state FILE`) or Redis (`redis://`). */
export interface ShareStateStore {
  /** Loads what was kept and starts keeping it in the background. Never throws for a bad or missing store: it warns and starts cold. */
  start(): Promise<void>;
  /** Saves once more (shutdown) and stops. */
  close(): Promise<void>;
}

/** Where a store reports, one line each (the server's stderr). */
export interface ShareStateLog {
  warn(line: string): void;
  info(line: string): void;
}

/** The router fingerprints in force, to tell a saved window of other weights from one of these. */
export type RouterFingerprints = ReadonlyMap<string, string>;
