import type { Readable, Writable } from 'node:stream';
import type { TerminalLike } from './terminal.js';

/**
 * Everything a command touches of the outside world. `bin/` passes the real process
 * streams; tests pass their own, so the CLI runs in-process.
 */
export interface CliIo {
  readonly stdin: Readable & { readonly isTTY?: boolean };
  readonly stdout: Writable & TerminalLike;
  readonly stderr: Writable & TerminalLike;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly fetch: typeof globalThis.fetch;
  /** Aborted on SIGINT/SIGTERM by `bin/`; long-running commands (serve) stop on it. */
  readonly signal?: AbortSignal;
  /**
   * Subscribes to SIGHUP (`bin/`: the process's); returns the unsubscribe. serve reloads on it.
   * While nobody listens the signal keeps its default (the process ends).
   */
  readonly onHangup?: (listener: () => void) => () => void;
  /** Monotonic milliseconds for serve's budgets per hour (`router-<r>-$20/h`); default performance.now. */
  readonly now?: () => number;
}
