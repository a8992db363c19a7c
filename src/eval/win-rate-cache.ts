import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fsErrorReason, isFsError } from '../runtime/output-path.js';
import { writeFileAtomic } from '../runtime/write-file-atomic.js';
import { makeDirectory } from '../runtime/make-directory.js';

/** The file format: "RLWR", then the version, then the fingerprint and the entries (see save). */
const MAGIC = 0x52574c52; // "RLWR" read as a little-endian u32
const VERSION = 2;
/** Bytes per entry on disk: the key's two halves (u32 each) and the rate (f64). */
const ENTRY_BYTES = 16;

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

/** The cache key of a prompt: the first 64 bits of sha1(prompt); its text never lands on disk. */
export interface PromptKey {
  readonly hi: number;
  readonly lo: number;
}

/** The cache key of a prompt. Two of 2.4 million prompts share 64 bits about once in 6 million runs. */
export function promptKey(prompt: string): PromptKey {
  const digest = createHash('sha1').update(prompt, 'utf8').digest();
  return { hi: digest.readUInt32BE(0), lo: digest.readUInt32BE(4) };
}

/**
 * Win rates of one router (identified by its fingerprint: name, weights, options) per prompt key,
 * in one binary file of 16 bytes an entry, loaded whole into an open-addressing table of typed
 * arrays (16 bytes a slot, at most three quarters full: 2.4 million prompts take 67 MB, where the
 * JSON file and Map of hex strings of version 1 took over 1 GB). Saved atomically (temp file + rename); a file that does not parse
 * or does not match is reported and rebuilt, never trusted. A version-1 file (JSON) is read and
 * rewritten in this format.
 */
export class WinRateCache {
  readonly path: string;
  readonly fingerprint: string;
  readonly #warn: (message: string) => void;
  #table: KeyTable;
  #dirty = false;
  /** Set once the cache could not be written: this run goes on without saving it. */
  #unwritable = false;

  private constructor(path: string, fingerprint: string, table: KeyTable, warn: (message: string) => void) {
    this.path = path;
    this.fingerprint = fingerprint;
    this.#table = table;
    this.#warn = warn;
  }

  /** Opens (or starts) the cache for a fingerprint under `directory`; `warn` hears about corrupt files. */
  static async open(directory: string, fingerprint: string, warn: (message: string) => void): Promise<WinRateCache> {
    const name = createHash('sha256').update(fingerprint, 'utf8').digest('hex').slice(0, 32);
    const path = join(directory, 'win-rates', `${name}.bin`);
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return WinRateCache.#fromVersion1(directory, name, path, fingerprint, warn);
      const cache = new WinRateCache(path, fingerprint, new KeyTable(), warn);
      if (code === 'ENOTDIR') {
        // A file where a directory should be: nothing can be cached there, so say it once.
        warn(`cannot use the win-rate cache under ${directory} (${fsErrorReason(error)}); win rates of this run are not cached (choose another --cache-dir)`);
        cache.#unwritable = true;
      } else {
        warn(`cannot read win-rate cache ${path} (${fsErrorReason(error)}); rebuilding it`);
      }
      return cache;
    }
    const parsed = parseCacheFile(bytes, fingerprint);
    if (typeof parsed === 'string') {
      warn(`win-rate cache ${path} is corrupt (${parsed}); rebuilding it`);
      const cache = new WinRateCache(path, fingerprint, new KeyTable(), warn);
      cache.#dirty = true;
      return cache;
    }
    return new WinRateCache(path, fingerprint, parsed, warn);
  }

  /** A cache left by an older routellm (version 1, JSON), taken over into the new file; otherwise an empty one. */
  static async #fromVersion1(directory: string, name: string, path: string, fingerprint: string, warn: (message: string) => void): Promise<WinRateCache> {
    const old = join(directory, 'win-rates', `${name}.json`);
    let text: string;
    try {
      text = await readFile(old, 'utf8');
    } catch {
      return new WinRateCache(path, fingerprint, new KeyTable(), warn);
    }
    const table = parseVersion1(text, fingerprint);
    const cache = new WinRateCache(path, fingerprint, table ?? new KeyTable(), warn);
    // Written in the new format at the first save; the old file is then left unused.
    cache.#dirty = table !== undefined && table.size > 0;
    return cache;
  }

  get size(): number {
    return this.#table.size;
  }

  get(key: PromptKey): number | undefined {
    return this.#table.get(key.hi, key.lo);
  }

  set(key: PromptKey, rate: number): void {
    this.#table.set(key.hi, key.lo, rate);
    this.#dirty = true;
  }

  /** Forgets every rate (`eval --overwrite-cache`): they are scored again and the file rewritten. */
  clear(): void {
    this.#table = new KeyTable();
    this.#dirty = true;
  }

  /**
   * Writes the cache if it changed: to a temp file beside it, then renamed over it. A cache
   * that cannot be written is only a slower next run: that is warned about once, not thrown.
   */
  async save(): Promise<void> {
    if (!this.#dirty || this.#unwritable) return;
    const fingerprint = Buffer.from(this.fingerprint, 'utf8');
    const header = 16 + fingerprint.length;
    const body = Buffer.alloc(header + this.#table.size * ENTRY_BYTES);
    body.writeUInt32LE(MAGIC, 0);
    body.writeUInt32LE(VERSION, 4);
    body.writeUInt32LE(fingerprint.length, 8);
    fingerprint.copy(body, 12);
    body.writeUInt32LE(this.#table.size, 12 + fingerprint.length);
    let at = header;
    this.#table.forEach((hi, lo, rate) => {
      body.writeUInt32LE(hi, at);
      body.writeUInt32LE(lo, at + 4);
      body.writeDoubleLE(rate, at + 8);
      at += ENTRY_BYTES;
    });
    try {
      await makeDirectory(dirname(this.path));
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

/**
 * 64-bit keys to rates, open addressing with linear probing over typed arrays: no object per
 * entry, so millions of entries cost tens of megabytes. sha1 bits are uniform, so the low half
 * of the key is its own hash. An empty slot holds NaN (no rate is NaN).
 */
class KeyTable {
  #hi = new Uint32Array(1024);
  #lo = new Uint32Array(1024);
  #rates = new Float64Array(1024).fill(Number.NaN);
  #size = 0;

  get size(): number {
    return this.#size;
  }

  #slot(hi: number, lo: number): number {
    const mask = this.#rates.length - 1;
    let slot = lo & mask;
    while (!Number.isNaN(this.#rates[slot] as number) && (this.#hi[slot] !== hi || this.#lo[slot] !== lo)) slot = (slot + 1) & mask;
    return slot;
  }

  get(hi: number, lo: number): number | undefined {
    const rate = this.#rates[this.#slot(hi, lo)] as number;
    return Number.isNaN(rate) ? undefined : rate;
  }

  set(hi: number, lo: number, rate: number): void {
    const slot = this.#slot(hi, lo);
    if (Number.isNaN(this.#rates[slot] as number)) {
      this.#size += 1;
      this.#hi[slot] = hi;
      this.#lo[slot] = lo;
    }
    this.#rates[slot] = rate;
    // Kept at most three quarters full: linear probes stay short (about 2.5 on a hit, 8.5 on a miss at the worst).
    if (this.#size * 4 > this.#rates.length * 3) this.#grow();
  }

  forEach(visit: (hi: number, lo: number, rate: number) => void): void {
    for (let slot = 0; slot < this.#rates.length; slot += 1) {
      const rate = this.#rates[slot] as number;
      if (!Number.isNaN(rate)) visit(this.#hi[slot] as number, this.#lo[slot] as number, rate);
    }
  }

  #grow(): void {
    const [hi, lo, rates] = [this.#hi, this.#lo, this.#rates];
    this.#hi = new Uint32Array(hi.length * 2);
    this.#lo = new Uint32Array(lo.length * 2);
    this.#rates = new Float64Array(rates.length * 2).fill(Number.NaN);
    this.#size = 0;
    for (let slot = 0; slot < rates.length; slot += 1) {
      if (!Number.isNaN(rates[slot] as number)) this.set(hi[slot] as number, lo[slot] as number, rates[slot] as number);
    }
  }
}

function parseCacheFile(bytes: Buffer, fingerprint: string): KeyTable | string {
  if (bytes.length < 16 || bytes.readUInt32LE(0) !== MAGIC) return 'not a routellm win-rate cache';
  const version = bytes.readUInt32LE(4);
  if (version !== VERSION) return `version ${version}, expected ${VERSION}`;
  const length = bytes.readUInt32LE(8);
  if (12 + length + 4 > bytes.length) return 'truncated';
  if (bytes.toString('utf8', 12, 12 + length) !== fingerprint) return 'written for another router fingerprint';
  const count = bytes.readUInt32LE(12 + length);
  const header = 16 + length;
  if (bytes.length !== header + count * ENTRY_BYTES) return `${count} entries announced, ${Math.floor((bytes.length - header) / ENTRY_BYTES)} present`;
  const table = new KeyTable();
  for (let at = header; at < bytes.length; at += ENTRY_BYTES) {
    const rate = bytes.readDoubleLE(at + 8);
    if (!(rate >= 0 && rate <= 1)) return `win rate ${rate} is not in [0, 1]`;
    table.set(bytes.readUInt32LE(at), bytes.readUInt32LE(at + 4), rate);
  }
  return table;
}

/** A version-1 (JSON, sha1 hex keys) cache's rates, or undefined when it is not one for this fingerprint. */
function parseVersion1(text: string, fingerprint: string): KeyTable | undefined {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return undefined;
  }
  const { version, fingerprint: stored, rates } = (document ?? {}) as Record<string, unknown>;
  if (version !== 1 || stored !== fingerprint || rates === null || typeof rates !== 'object') return undefined;
  const table = new KeyTable();
  for (const [key, rate] of Object.entries(rates)) {
    if (!/^[0-9a-f]{40}$/.test(key) || typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) return undefined;
    table.set(Number.parseInt(key.slice(0, 8), 16), Number.parseInt(key.slice(8, 16), 16), rate);
  }
  return table;
}
