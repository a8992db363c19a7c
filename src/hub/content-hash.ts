import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

/** How a hub ETag names a file's bytes, when it does: sha256 for LFS files, the git blob sha1 for the rest. */
export type EtagKind = 'sha256' | 'git-sha1' | 'opaque';

/** An LFS file's ETag is the sha256 of its bytes (64 hex); a git file's is its git blob id (40 hex). */
export function etagKind(etag: string): EtagKind {
  if (/^[0-9a-f]{64}$/.test(etag)) return 'sha256';
  if (/^[0-9a-f]{40}$/.test(etag)) return 'git-sha1';
  return 'opaque';
}

/**
 * The hash of the file at `path` in the form its ETag uses: sha256 of the bytes, or git's blob id
 * sha1("blob <size>\0" + bytes). Undefined for an ETag that names no hash.
 */
export async function fileDigestLike(path: string, kind: EtagKind): Promise<string | undefined> {
  if (kind === 'opaque') return undefined;
  const hash = createHash(kind === 'sha256' ? 'sha256' : 'sha1');
  if (kind === 'git-sha1') hash.update(`blob ${(await stat(path)).size}\0`);
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
