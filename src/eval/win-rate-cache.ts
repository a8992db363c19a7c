import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fsErrorReason, isFsError } from '../runtime/output-path.js';
import { writeFileAtomic } from '../runtime/write-file-atomic.js';

const VERSION = 1;

/**
 * The cache directory: `--cache-dir`, then `$ROUTELLM_CACHE_DIR`, then
 * `$XDG_CACHE_HOME/routellm`, then `~/.cache/routellm`.
 */
export function resolveCacheDir(flag: string | undefined, env: Readonly<Record<string, string | undefined>>, cwd: string): string {
  const given = flag ?? (env['ROUTELLM_CACHE_DIR'] || undefined);
  if (given !== undefined) return resolve(cwd, given);
  const xdg = env['XDG_CACHE_HOME'];
  return xdg ? join(resolve(cwd, xdg), 'routellm') : join(env['HOME'] || homedir(), '.cache', 'routellm');
}

/** The cache key of a prompt: its text never lands on disk. */
export function promptKey(prompt: string): string {
  return createHash('sha1').update(prompt, 'utf8').digest('hex');
}

/**
 * Win rates of one router (identified by its fingerprint: name, weights, options) per
 * prompt, in one JSON file. Loaded whole, saved atomically (temp file + rename); a file
 * that does not parse or does not match is reported and rebuilt, never trusted.
 */
export class WinRateCache {
  readonly path: string;
  readonly fingerprint: string;
  readonly #rates: Map<string, number>;
  readonly #warn: (message: string) => void;
  #dirty = false;
  /** Set once the cache could not be written: this run goes on without saving it. */
  #unwritable = false;

  private constructor(path: string, fingerprint: string, rates: Map<string, number>, warn: (message: string) => void) {
    this.path = path;
    this.fingerprint = fingerprint;
    this.#rates = rates;
    this.#warn = warn;
  }

  /** Opens (or starts) the cache for a fingerprint under `directory`; `warn` hears about corrupt files. */
  static async open(directory: string, fingerprint: string, warn: (message: string) => void): Promise<WinRateCache> {
    const name = createHash('sha256').update(fingerprint, 'utf8').digest('hex').slice(0, 32);
    const path = join(directory, 'win-rates', `${name}.json`);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      const cache = new WinRateCache(path, fingerprint, new Map(), warn);
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR') {
        // A file where a directory should be: nothing can be cached there, so say it once.
        warn(`cannot use the win-rate cache under ${directory} (${fsErrorReason(error)}); win rates of this run are not cached (choose another --cache-dir)`);
        cache.#unwritable = true;
      } else if (code !== 'ENOENT') {
        warn(`cannot read win-rate cache ${path} (${fsErrorReason(error)}); rebuilding it`);
      }
      return cache;
    }
    const parsed = parseCacheFile(text, fingerprint);
    if (typeof parsed === 'string') {
      warn(`win-rate cache ${path} is corrupt (${parsed}); rebuilding it`);
      const cache = new WinRateCache(path, fingerprint, new Map(), warn);
      cache.#dirty = true;
      return cache;
    }
    return new WinRateCache(path, fingerprint, parsed, warn);
  }

  get size(): number {
    return this.#rates.size;
  }

  get(key: string): number | undefined {
    return this.#rates.get(key);
  }

  set(key: string, rate: number): void {
    this.#rates.set(key, rate);
    this.#dirty = true;
  }

  /**
   * Writes the cache if it changed: to a temp file beside it, then renamed over it. A cache
   * that cannot be written is only a slower next run: that is warned about once, not thrown.
   */
  async save(): Promise<void> {
    if (!this.#dirty || this.#unwritable) return;
    const body = JSON.stringify({ version: VERSION, fingerprint: this.fingerprint, rates: Object.fromEntries(this.#rates) });
    try {
      await mkdir(dirname(this.path), { recursive: true });
      await writeFileAtomic(this.path, body);
    } catch (error) {
      if (!isFsError(error)) throw error;
      this.#unwritable = true;
      this.#warn(`cannot write win-rate cache ${this.path} (${fsErrorReason(error)}); win rates of this run are not cached (choose another --cache-dir)`);
      return;
    }
    this.#dirty = false;
  }
}

function parseCacheFile(text: string, fingerprint: string): Map<string, number> | string {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return 'not valid JSON';
  }
  if (document === null || typeof document !== 'object') return 'not a JSON object';
  const { version, fingerprint: stored, rates } = document as Record<string, unknown>;
  if (version !== VERSION) return `version ${JSON.stringify(version)}, expected ${VERSION}`;
  if (stored !== fingerprint) return 'written for another router fingerprint';
  if (rates === null || typeof rates !== 'object' || Array.isArray(rates)) return 'no "rates" object';
  const map = new Map<string, number>();
  for (const [key, rate] of Object.entries(rates)) {
    if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) return `win rate ${JSON.stringify(rate)} is not in [0, 1]`;
    map.set(key, rate);
  }
  return map;
}
