import { readFile } from 'node:fs/promises';
import { savedTracksOf, shareStateDocument, type SavedTrack, type ShareCalibrator } from '../core/index.js';
import { writeFileAtomic } from '../runtime/write-file-atomic.js';
import type { RouterFingerprints, ShareStateLog, ShareStateStore } from './share-state-store.js';

/** How often `--share-state FILE` is written, at most (only when a request changed a window). */
export const FILE_SAVE_INTERVAL_MS = 1000;

/**
 * `--share-state FILE`: the live share windows saved as JSON, atomically (a temporary file, then
 * a rename), at most once a second while requests change them and once more at shutdown; read at
 * start-up. A file that is missing starts cold silently; one that is not a share-state file
 * (damaged, or another program's) starts cold with one warning and is replaced at the next save.
 */
export class FileShareState implements ShareStateStore {
  readonly #path: string;
  readonly #calibrator: ShareCalibrator;
  readonly #fingerprints: RouterFingerprints;
  readonly #log: ShareStateLog;
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  #savedAt = -1;
  #writing: Promise<void> | undefined;
  #failing = false;

  constructor(path: string, calibrator: ShareCalibrator, options: { fingerprints: RouterFingerprints; log: ShareStateLog; intervalMs?: number }) {
    this.#path = path;
    this.#calibrator = calibrator;
    this.#fingerprints = options.fingerprints;
    this.#log = options.log;
    this.#intervalMs = options.intervalMs ?? FILE_SAVE_INTERVAL_MS;
  }

  async start(): Promise<void> {
    await this.#load();
    this.#savedAt = this.#calibrator.observed;
    this.#timer = setInterval(() => void this.#save(), this.#intervalMs);
    this.#timer.unref();
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#writing;
    await this.#save();
  }

  async #load(): Promise<void> {
    const tracks = await readShareStateFile(this.#path, this.#log);
    if (tracks === undefined) return;
    const usable = tracks.filter((track) => this.#fingerprints.get(track.router) === track.fingerprint);
    const dropped = tracks.length - usable.length;
    if (dropped > 0) {
      this.#log.warn(`share state: ${dropped} window(s) in ${this.#path} belong to routers not loaded or loaded with other weights; those shares start from the calibration table`);
    }
    this.#calibrator.load(usable);
    this.#log.info(`share state: loaded ${usable.length} window(s) from ${this.#path}`);
  }

  /** Writes the windows if a request changed them since the last write; one write at a time. */
  #save(): Promise<void> {
    if (this.#writing) return this.#writing;
    const observed = this.#calibrator.observed;
    if (observed === this.#savedAt) return Promise.resolve();
    const text = JSON.stringify(shareStateDocument(this.#calibrator.windowSize, this.#calibrator.saved()));
    this.#writing = writeFileAtomic(this.#path, text)
      .then(
        () => {
          this.#savedAt = observed;
          if (this.#failing) this.#log.info(`share state: ${this.#path} is written again`);
          this.#failing = false;
        },
        (error: unknown) => {
          if (!this.#failing) {
            this.#log.warn(`share state: cannot write ${this.#path} (${(error as NodeJS.ErrnoException).code ?? String(error)}); routing goes on, and saving is retried every second`);
          }
          this.#failing = true;
        },
      )
      .finally(() => {
        this.#writing = undefined;
      });
    return this.#writing;
  }
}

/**
 * The windows a `--share-state` file keeps. Undefined when there are none to load: a missing file
 * (silently), one that cannot be read or is not a share-state file (one warning each; the file is
 * replaced at the next save).
 */
export async function readShareStateFile(path: string, log: ShareStateLog): Promise<SavedTrack[] | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') log.warn(`share state: cannot read ${path} (${code ?? String(error)}); shares start from the calibration table`);
    return undefined;
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    document = undefined;
  }
  const tracks = document === undefined ? 'not valid JSON' : savedTracksOf(document);
  if (typeof tracks === 'string') {
    log.warn(`share state: ${path} is not a routellm share-state file (${tracks}); shares start from the calibration table and the file will be replaced`);
    return undefined;
  }
  return tracks;
}
