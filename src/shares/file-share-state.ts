import { readFile } from 'node:fs/promises';
import { savedTracksOf, shareStateDocument, type SavedTrack, type ShareCalibrator } from '../core/index.js';
import { ShareStateSaver } from './share-state-saver.js';
import type { RouterFingerprints, ShareStateLog, ShareStateStore } from './share-state-store.js';

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
  readonly #intervalMs: number | undefined;
  #saver: ShareStateSaver | undefined;

  /** Over a list of models a window is also its list's models and prices: the warning says so. */
  readonly #overList: boolean;

  constructor(path: string, calibrator: ShareCalibrator, options: { fingerprints: RouterFingerprints; log: ShareStateLog; intervalMs?: number; overList?: boolean | undefined }) {
    this.#path = path;
    this.#overList = options.overList === true;
    this.#calibrator = calibrator;
    this.#fingerprints = options.fingerprints;
    this.#log = options.log;
    this.#intervalMs = options.intervalMs;
  }

  async start(): Promise<void> {
    await this.#load();
    const calibrator = this.#calibrator;
    this.#saver = new ShareStateSaver(
      this.#path,
      { version: () => calibrator.observed, text: () => JSON.stringify(shareStateDocument(calibrator.windowSize, calibrator.saved())) },
      { log: this.#log, savedAt: calibrator.observed, ...(this.#intervalMs === undefined ? {} : { intervalMs: this.#intervalMs }) },
    );
  }

  async close(): Promise<void> {
    await this.#saver?.close();
  }

  async #load(): Promise<void> {
    const tracks = await readShareStateFile(this.#path, this.#log);
    if (tracks === undefined) return;
    const usable = tracks.filter((track) => this.#fingerprints.get(track.router) === track.fingerprint);
    const dropped = tracks.length - usable.length;
    if (dropped > 0) {
      this.#log.warn(
        this.#overList
          ? `share state: ${dropped} window(s) in ${this.#path} belong to routers not loaded, to other weights, or to other models or prices in the list; those cost shares start afresh, as on a first start`
          : `share state: ${dropped} window(s) in ${this.#path} belong to routers not loaded or loaded with other weights; those shares start from the calibration table`,
      );
    }
    this.#calibrator.load(usable);
    this.#log.info(`share state: loaded ${usable.length} window(s) from ${this.#path}`);
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
