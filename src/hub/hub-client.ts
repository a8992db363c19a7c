import { mkdir, open, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { etagKind, fileDigestLike } from './content-hash.js';
import { downloadProgress, formatBytes, type ProgressSink } from './download-progress.js';
import { HubCache } from './hub-cache.js';
import { HubError } from './hub-error.js';
import type { HubSettings } from './hub-settings.js';
import { describeRepo, isCommitHash, repoFolderName, repoUrl, resolveUrl, revisionInfoUrl, type HubRepo } from './repo-id.js';

export interface HubClientOptions {
  readonly settings: HubSettings;
  /** The token to send (HF_TOKEN, or the token file), if any. */
  readonly token: string | undefined;
  readonly fetch: typeof globalThis.fetch;
  /** Where downloads report progress (stderr); none: silent. */
  readonly progress?: ProgressSink;
}

/** What a `resolve` HEAD tells about a file: the commit the revision points to, the file's ETag and size, and where its bytes are. */
interface FileMetadata {
  readonly commit: string;
  readonly etag: string;
  readonly size: number | undefined;
  readonly location: string;
}

/** A file that does not exist at a commit, remembered as the Python does (`.no_exist/<commit>/<file>`). */
const NO_EXIST = '.no_exist';
/**
 * Downloads under way in this process, by blob path: one per blob whichever client asks, so the
 * lock file below is only ever contended by other processes (a lock held by this pid is stale).
 */
const inflight = new Map<string, Promise<void>>();
/** How long to wait between looks at another process's download lock. */
const LOCK_POLL_MS = 200;

/**
 * Downloads hub files into the `huggingface_hub` cache, or finds them there, as the Python's
 * `hf_hub_download` does: a HEAD on `resolve/<revision>/<file>` gives the commit, the ETag and
 * the size; the bytes go to `blobs/<etag>.incomplete`, resumed with `Range` when a partial file
 * is there and the server honours it, checked against the size and the hash the ETag names, then
 * renamed into place and linked from `snapshots/<commit>/`. Offline (`HF_HUB_OFFLINE`), or when
 * the hub cannot be reached, the cached snapshot answers; otherwise one line says what to fetch.
 */
export class HubClient {
  readonly cache: HubCache;
  readonly #options: HubClientOptions;

  constructor(options: HubClientOptions) {
    this.#options = options;
    this.cache = new HubCache(options.settings.cacheDir);
  }

  get settings(): HubSettings {
    return this.#options.settings;
  }

  /**
   * The local path of `file` at `revision` (default main). With `optional`, a file the repo does
   * not have gives undefined instead of an error.
   */
  async file(repo: HubRepo, file: string, options: { revision?: string; purpose: string; optional?: boolean }): Promise<string | undefined> {
    const revision = options.revision ?? 'main';
    const { settings } = this.#options;
    const url = resolveUrl(settings.endpoint, repo, revision, file);
    const fromCache = async () => {
      const cached = await this.cache.cachedFile(repo, revision, file);
      if (cached) return { path: cached };
      const commit = await this.cache.commitOf(repo, revision);
      if (options.optional && commit && (await exists(join(this.cache.repoDir(repo), NO_EXIST, commit, ...file.split('/'))))) return { path: undefined };
      return undefined;
    };
    if (settings.offline) {
      const cached = await fromCache();
      if (cached) return cached.path;
      throw this.#notCached(options.purpose, repo, url, 'HF_HUB_OFFLINE is set');
    }
    let metadata: FileMetadata | 'missing';
    try {
      metadata = await this.#head(repo, file, revision, url, options.purpose);
    } catch (error) {
      if (!(error instanceof Unreachable)) throw error;
      const cached = await fromCache();
      if (cached) return cached.path;
      throw this.#notCached(options.purpose, repo, url, `cannot reach the hub at ${settings.endpoint} (${error.reason})`);
    }
    if (metadata === 'missing') {
      if (options.optional) return undefined;
      throw new HubError(`${options.purpose}: ${describeRepo(repo)} has no file ${file} at revision ${revision} (404 from ${url})`);
    }
    const pointer = this.cache.snapshotPath(repo, metadata.commit, file);
    if (!(await exists(pointer))) {
      const blob = this.cache.blobPath(repo, metadata.etag);
      if (!(await exists(blob))) {
        // One download per blob in this process; other processes wait on the lock file.
        let pending = inflight.get(blob);
        if (!pending) {
          pending = this.#download(repo, file, metadata as FileMetadata, blob, options.purpose).finally(() => inflight.delete(blob));
          inflight.set(blob, pending);
        }
        await pending;
      }
      await this.cache.linkSnapshot(repo, metadata.commit, file, metadata.etag);
    }
    await this.cache.writeRef(repo, revision, metadata.commit);
    return pointer;
  }

  /**
   * The commit a revision points to and the repo's files there, from the hub's API; offline or
   * unreachable, from the cached snapshot of that revision (undefined when there is none).
   */
  async revisionFiles(repo: HubRepo, revision: string, purpose: string): Promise<{ commit: string; files: string[] } | undefined> {
    const { settings } = this.#options;
    if (settings.offline) return this.cache.snapshotFiles(repo, revision);
    const url = revisionInfoUrl(settings.endpoint, repo, revision);
    let response: Response;
    try {
      response = await this.#options.fetch(url, { headers: this.#headers(url) });
    } catch (error) {
      const cached = await this.cache.snapshotFiles(repo, revision);
      if (cached) return cached;
      throw this.#notCached(purpose, repo, repoUrl(settings.endpoint, repo), `cannot reach the hub at ${settings.endpoint} (${networkReason(error)})`);
    }
    if (!response.ok) {
      await response.body?.cancel();
      if (response.status === 404 && response.headers.get('x-error-code') === 'RevisionNotFound') return undefined;
      if (response.status >= 500) {
        const cached = await this.cache.snapshotFiles(repo, revision);
        if (cached) return cached;
      }
      throw this.#statusError(purpose, repo, undefined, revision, url, response);
    }
    let info: { sha?: unknown; siblings?: unknown };
    try {
      info = (await response.json()) as typeof info;
    } catch {
      throw new HubError(`${purpose}: ${url} did not answer JSON; is HF_ENDPOINT (${settings.endpoint}) a Hugging Face hub?`);
    }
    const siblings = Array.isArray(info.siblings) ? info.siblings : [];
    if (typeof info.sha !== 'string' || !isCommitHash(info.sha)) {
      throw new HubError(`${purpose}: ${url} answered without a commit "sha"; is HF_ENDPOINT (${settings.endpoint}) a Hugging Face hub?`);
    }
    const files = siblings.map((s) => (s as { rfilename?: unknown }).rfilename).filter((f): f is string => typeof f === 'string');
    return { commit: info.sha, files };
  }

  /** Records that `revision` points to `commit`, once its files are in the cache. */
  writeRef(repo: HubRepo, revision: string, commit: string): Promise<void> {
    return this.cache.writeRef(repo, revision, commit);
  }

  /** The line for a repo that is needed but neither reachable nor cached: what to download, and where to put it. */
  notCached(purpose: string, repo: HubRepo, why: string): HubError {
    return this.#notCached(purpose, repo, repoUrl(this.#options.settings.endpoint, repo), why);
  }

  #notCached(purpose: string, repo: HubRepo, url: string, why: string): HubError {
    const cli = `huggingface-cli download ${repo.id}${repo.type === 'dataset' ? ' --repo-type dataset' : ''}`;
    return new HubError(
      `${purpose}: ${describeRepo(repo)} is not in the hub cache and ${why}; where the network allows, download ${url} into ${this.cache.dir} ` +
        `(\`${cli}\`, or any routellm command with HF_HUB_CACHE=${this.cache.dir}), or set ${purpose} to a local copy`,
    );
  }

  #headers(url: string, extra: Record<string, string> = {}): Record<string, string> {
    const headers: Record<string, string> = { 'user-agent': 'routellm', ...extra };
    // The token goes to the hub only, never to the CDN a file redirects to.
    if (this.#options.token && new URL(url).origin === new URL(this.#options.settings.endpoint).origin) {
      headers['authorization'] = `Bearer ${this.#options.token}`;
    }
    return headers;
  }

  /** HEAD on the resolve URL, following only relative redirects (a renamed repo), as the Python does. */
  async #head(repo: HubRepo, file: string, revision: string, url: string, purpose: string): Promise<FileMetadata | 'missing'> {
    let current = url;
    for (let hop = 0; ; hop++) {
      let response: Response;
      try {
        response = await this.#options.fetch(current, { method: 'HEAD', redirect: 'manual', headers: this.#headers(current, { 'accept-encoding': 'identity' }) });
      } catch (error) {
        throw new Unreachable(networkReason(error));
      }
      const headers = response.headers;
      const location = headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(location) || location.startsWith('//')) {
          return this.#metadata(headers, new URL(location, current).href, revision, current, purpose);
        }
        if (hop >= 5) throw new HubError(`${purpose}: too many redirects from ${url}`);
        current = new URL(location, current).href;
        continue;
      }
      if (response.ok) return this.#metadata(headers, current, revision, current, purpose);
      const errorCode = headers.get('x-error-code');
      // The hub says EntryNotFound; a plain server's bare 404 on a file means the same.
      if (response.status === 404 && (errorCode === 'EntryNotFound' || errorCode === null)) {
        const commit = headers.get('x-repo-commit');
        // Remembered as the Python does, so an offline run knows the file is absent, not missing from the cache.
        if (commit && isCommitHash(commit)) {
          const marker = join(this.cache.repoDir(repo), NO_EXIST, commit, ...file.split('/'));
          await mkdir(dirname(marker), { recursive: true });
          await writeFile(marker, '');
          await this.cache.writeRef(repo, revision, commit);
        }
        return 'missing';
      }
      if (response.status >= 500) throw new Unreachable(`HTTP ${response.status}`);
      throw this.#statusError(purpose, repo, file, revision, url, response);
    }
  }

  #metadata(headers: Headers, location: string, revision: string, url: string, purpose: string): FileMetadata {
    const etag = normalizeEtag(headers.get('x-linked-etag') ?? headers.get('etag'));
    const commit = headers.get('x-repo-commit') ?? (isCommitHash(revision) ? revision : null);
    const sizeText = headers.get('x-linked-size') ?? headers.get('content-length');
    const size = sizeText !== null && /^\d+$/.test(sizeText) ? Number(sizeText) : undefined;
    if (!etag || !commit || !isCommitHash(commit)) {
      throw new HubError(
        `${purpose}: ${url} answered without ${etag ? 'X-Repo-Commit' : 'an ETag'}; is HF_ENDPOINT (${this.#options.settings.endpoint}) a Hugging Face hub?`,
      );
    }
    // An ETag becomes a file name in the cache: nothing that could leave blobs/.
    if (!/^[A-Za-z0-9._-]+$/.test(etag) || etag.startsWith('.')) throw new HubError(`${purpose}: ${url} answered an unusable ETag ${JSON.stringify(etag)}`);
    return { commit, etag, size, location };
  }

  #statusError(purpose: string, repo: HubRepo, file: string | undefined, revision: string, url: string, response: Response): HubError {
    const code = response.headers.get('x-error-code');
    const what = describeRepo(repo);
    const status = response.status;
    if (status === 401 || status === 403) {
      if (code === 'GatedRepo') {
        return new HubError(
          `${purpose}: ${what} is gated (${status}): accept its terms at ${repoUrl(this.#options.settings.endpoint, repo)} and set HF_TOKEN to a token of that account`,
        );
      }
      return new HubError(
        this.#options.token
          ? `${purpose}: the hub refused the token in HF_TOKEN for ${what} (${status}): it cannot read this repo; use a token with access to it`
          : `${purpose}: the hub answered ${status} for ${what}: it is private or gated, or does not exist; set HF_TOKEN to a token that can read it`,
      );
    }
    if (status === 404) {
      if (code === 'RevisionNotFound') return new HubError(`${purpose}: ${what} has no revision "${revision}" on the hub (404)`);
      if (file !== undefined && code === 'EntryNotFound') return new HubError(`${purpose}: ${what} has no file ${file} at revision ${revision} (404 from ${url})`);
      return new HubError(`${purpose}: the hub has no ${repo.type} repo ${repo.id} (404 from ${url}); check the id`);
    }
    return new HubError(`${purpose}: the hub answered ${status} for ${url}`);
  }

  async #download(repo: HubRepo, file: string, metadata: FileMetadata, blob: string, purpose: string): Promise<void> {
    await mkdir(dirname(blob), { recursive: true });
    const lockPath = join(this.cache.dir, '.locks', repoFolderName(repo), `${metadata.etag}.routellm.lock`);
    await withLock(lockPath, async () => {
      // Another process may have finished it while this one waited.
      if (await exists(blob)) return;
      const incomplete = `${blob}.incomplete`;
      const label = `${repo.id}/${file}`;
      let start = (await sizeOf(incomplete)) ?? 0;
      if (metadata.size !== undefined && start > metadata.size) start = 0;
      const headers = this.#headers(metadata.location, start > 0 ? { range: `bytes=${start}-` } : {});
      let response: Response;
      try {
        response = await this.#options.fetch(metadata.location, { headers });
      } catch (error) {
        throw new HubError(`${purpose}: cannot download ${label} from ${new URL(metadata.location).origin} (${networkReason(error)}); run again to retry`);
      }
      if (response.status === 416 && start > 0 && start === metadata.size) {
        // The partial file is already whole.
        await response.body?.cancel();
      } else {
        if (!response.ok || !response.body) {
          await response.body?.cancel();
          throw new HubError(`${purpose}: downloading ${label} failed: ${metadata.location} answered ${response.status}`);
        }
        // 206: the server resumes; 200: it ignored the Range, so start over.
        if (response.status !== 206) start = 0;
        else if (!rangeStartsAt(response.headers.get('content-range'), start)) {
          await response.body.cancel();
          throw new HubError(`${purpose}: downloading ${label} failed: ${metadata.location} answered a range other than the one asked for`);
        }
        const handle = await open(incomplete, start > 0 ? 'a' : 'w');
        const progress = downloadProgress(this.#options.progress, label, metadata.size, start, this.cache.repoDir(repo));
        let written = start;
        try {
          for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
            await handle.write(chunk);
            written += chunk.length;
            progress.advance(chunk.length);
          }
        } catch (error) {
          throw truncated(purpose, label, written, metadata.size, incomplete, networkReason(error));
        } finally {
          await handle.close();
          progress.finish();
        }
        if (metadata.size !== undefined && written !== metadata.size) {
          if (written > metadata.size) await unlink(incomplete).catch(() => {});
          throw truncated(purpose, label, written, metadata.size, incomplete, 'connection closed');
        }
      }
      const kind = etagKind(metadata.etag);
      const digest = await fileDigestLike(incomplete, kind);
      if (digest !== undefined && digest !== metadata.etag) {
        await unlink(incomplete).catch(() => {});
        throw new HubError(
          `${purpose}: ${label} downloaded with ${kind} ${digest.slice(0, 12)}... but the hub's ETag is ${metadata.etag.slice(0, 12)}...; the download was removed: run again`,
        );
      }
      await rename(incomplete, blob);
    });
  }
}

/** The hub could not be reached (no network, DNS, refused, a 5xx): the cache may still answer. */
class Unreachable extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

function truncated(purpose: string, label: string, written: number, size: number | undefined, incomplete: string, reason: string): HubError {
  const of = size === undefined ? '' : ` of ${formatBytes(size)}`;
  return new HubError(`${purpose}: the download of ${label} stopped at ${formatBytes(written)}${of} (${reason}); run again to resume from ${incomplete}`);
}

/** `W/"abc"` -> `abc`, as `huggingface_hub`'s `_normalize_etag`. */
export function normalizeEtag(etag: string | null): string | undefined {
  if (!etag) return undefined;
  const value = etag.replace(/^W\//, '').replace(/^"|"$/g, '');
  return value === '' ? undefined : value;
}

function rangeStartsAt(contentRange: string | null, start: number): boolean {
  const match = /^bytes (\d+)-/.exec(contentRange ?? '');
  return match !== null && Number(match[1]) === start;
}

/** ECONNREFUSED, ENOTFOUND, "terminated": the cause Node's fetch wraps. */
function networkReason(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return (error as Error)?.message ?? String(error);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch {
    return undefined;
  }
}

/**
 * Runs `task` while holding a lock file (serve --workers N starts N processes that may fetch the
 * same blob at once; one downloads, the others wait). A lock whose process is gone is taken over.
 */
async function withLock<T>(path: string, task: () => Promise<T>): Promise<T> {
  await mkdir(dirname(path), { recursive: true });
  for (;;) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (!Number.isInteger(holder) || holder <= 0 || holder === process.pid || !isAlive(holder)) {
        await unlink(path).catch(() => {});
        continue;
      }
      await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
    }
  }
  try {
    return await task();
  } finally {
    await unlink(path).catch(() => {});
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
