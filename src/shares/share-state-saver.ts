import { writeFileAtomic } from '../runtime/write-file-atomic.js';
import type { ShareStateLog } from './share-state-store.js';

/** How often `--share-state FILE` is written, at most (only when a request changed a window). */
export const FILE_SAVE_INTERVAL_MS = 1000;

/** What a saver writes: a number that grows whenever the windows change, and the file's text then. */
export interface ShareStateSource {
  version(): number;
  text(): string;
}

/**
 * The writer of a `--share-state FILE`, for the single process (FileShareState) and the primary of
 * `serve --workers` (ClusterShareHub) alike: atomically (writeFileAtomic: a temporary file, fsync, a
 * rename), one write at a time, at most once an interval and only when the windows changed since the
 * last write, and once more at close. A write that fails warns once per outage (routing goes on) and
 * is retried at the next tick; the first one to succeed again says so.
 */
export class ShareStateSaver {
  readonly #path: string;
  readonly #source: ShareStateSource;
  readonly #log: ShareStateLog;
  readonly #intervalMs: number;
  #savedAt: number;
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> | undefined;
  #failing = false;

  /** `savedAt`: the version the file already holds (what was loaded), written again only once it changes. */
  constructor(path: string, source: ShareStateSource, options: { log: ShareStateLog; savedAt: number; intervalMs?: number }) {
    this.#path = path;
    this.#source = source;
    this.#log = options.log;
    this.#savedAt = options.savedAt;
    this.#intervalMs = options.intervalMs ?? FILE_SAVE_INTERVAL_MS;
    this.#timer = setInterval(() => void this.save(), this.#intervalMs);
    this.#timer.unref();
  }

  /** Writes the windows if they changed since the last write; while one write runs, its promise. */
  save(): Promise<void> {
    if (this.#writing) return this.#writing;
    const version = this.#source.version();
    if (version === this.#savedAt) return Promise.resolve();
    const path = this.#path;
    this.#writing = writeFileAtomic(path, this.#source.text())
      .then(
        () => {
          this.#savedAt = version;
          if (this.#failing) this.#log.info(`share state: ${path} is written again`);
          this.#failing = false;
        },
        (error: unknown) => {
          // Once per outage, not every second.
          if (!this.#failing) this.#log.warn(`share state: cannot write ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)}); routing goes on, and saving is retried every second`);
          this.#failing = true;
        },
      )
      .finally(() => {
        this.#writing = undefined;
      });
    return this.#writing;
  }

  /** Stops the timer, lets a write in progress finish, and saves once more. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#writing;
    await this.save();
  }
}
