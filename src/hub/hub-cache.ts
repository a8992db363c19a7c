import { lstat, mkdir, readdir, readFile, stat, symlink, unlink } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';
import { dirname, join, relative } from 'node:path';
import { isCommitHash, repoFolderName, type HubRepo } from './repo-id.js';

/**
 * The cache of Python's `huggingface_hub`, read and written the same way, so a cache the
 * Python filled is reused and this one serves the Python:
 *
 *     <cacheDir>/models--owner--name/
 *       blobs/<etag>                      the file's bytes, named by its ETag (sha256 for LFS files, git sha1 otherwise)
 *       snapshots/<commit>/<file>         a relative symlink to ../../blobs/<etag>
 *       refs/<revision>                   the commit a branch or tag (main, refs/convert/parquet) pointed to last
 */
export class HubCache {
  constructor(readonly dir: string) {}

  /** `<cacheDir>/models--owner--name` */
  repoDir(repo: HubRepo): string {
    return join(this.dir, repoFolderName(repo));
  }

  blobPath(repo: HubRepo, etag: string): string {
    return join(this.repoDir(repo), 'blobs', etag);
  }

  snapshotDir(repo: HubRepo, commit: string): string {
    return join(this.repoDir(repo), 'snapshots', commit);
  }

  snapshotPath(repo: HubRepo, commit: string, file: string): string {
    return join(this.snapshotDir(repo, commit), ...file.split('/'));
  }

  /** The commit a revision names: itself when it is a hash, else what `refs/<revision>` recorded. */
  async commitOf(repo: HubRepo, revision: string): Promise<string | undefined> {
    if (isCommitHash(revision)) return revision;
    try {
      const text = (await readFile(join(this.repoDir(repo), 'refs', ...revision.split('/')), 'utf8')).trim();
      return isCommitHash(text) ? text : undefined;
    } catch {
      return undefined;
    }
  }

  /** The cached copy of `file` at `revision`, if the snapshot has it (following its symlink to an existing blob). */
  async cachedFile(repo: HubRepo, revision: string, file: string): Promise<string | undefined> {
    const commit = await this.commitOf(repo, revision);
    if (commit === undefined) return undefined;
    const path = this.snapshotPath(repo, commit, file);
    return (await isFile(path)) ? path : undefined;
  }

  /** Files present in the snapshot a revision points to, as repo-relative paths; undefined if none is cached. */
  async snapshotFiles(repo: HubRepo, revision: string): Promise<{ commit: string; files: string[] } | undefined> {
    const commit = await this.commitOf(repo, revision);
    if (commit === undefined) return undefined;
    const root = this.snapshotDir(repo, commit);
    let entries;
    try {
      entries = await readdir(root, { recursive: true, withFileTypes: true });
    } catch {
      return undefined;
    }
    const files: string[] = [];
    for (const entry of entries) {
      const path = join(entry.parentPath, entry.name);
      if ((entry.isFile() || entry.isSymbolicLink()) && (await isFile(path))) files.push(relative(root, path).split('\\').join('/'));
    }
    return { commit, files: files.sort() };
  }

  /** Records that `revision` points to `commit` (not for a commit hash, which needs no ref). */
  async writeRef(repo: HubRepo, revision: string, commit: string): Promise<void> {
    if (revision === commit) return;
    const path = join(this.repoDir(repo), 'refs', ...revision.split('/'));
    let current: string | undefined;
    try {
      current = (await readFile(path, 'utf8')).trim();
    } catch {
      current = undefined;
    }
    if (current === commit) return;
    await mkdir(dirname(path), { recursive: true });
    // Atomic, so a concurrent reader never sees an empty ref; write-file-atomic's temporary names are its own per
    // call, so two writers of one ref in this process (two downloads of one repo) no longer rename each other's file.
    await writeFileAtomic(path, commit);
  }

  /** Points `snapshots/<commit>/<file>` at `blobs/<etag>` with a relative symlink, as the Python does. */
  async linkSnapshot(repo: HubRepo, commit: string, file: string, etag: string): Promise<string> {
    const pointer = this.snapshotPath(repo, commit, file);
    await mkdir(dirname(pointer), { recursive: true });
    const target = relative(dirname(pointer), this.blobPath(repo, etag));
    try {
      await lstat(pointer);
      await unlink(pointer);
    } catch {
      // no pointer yet
    }
    try {
      await symlink(target, pointer);
    } catch (error) {
      // Another process linked it meanwhile: fine when it resolves.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !(await isFile(pointer))) throw error;
    }
    return pointer;
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
