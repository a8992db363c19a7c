import { constants } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { access, open, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../core/index.js';

/** What a filesystem error code means, in words for an error line. */
const REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a directory',
  ENOTDIR: 'not a directory',
  ENOENT: 'no such file or directory',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  ENAMETOOLONG: 'file name too long',
  ELOOP: 'too many levels of symbolic links',
  EMFILE: 'too many open files',
  EEXIST: 'it already exists',
};

/** True for an error thrown by node:fs (it carries a string `code` such as ENOTDIR). */
export function isFsError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string' && typeof (error as NodeJS.ErrnoException).syscall === 'string';
}

/** The reason for a filesystem error as a few words: `not a directory`, `permission denied`. */
export function fsErrorReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return (code && REASONS[code]) ?? (code ? code : String((error as Error | undefined)?.message ?? error));
}

/**
 * One line for a failed read or write: `cannot write --output /x: not a directory`. `what`
 * names the flag and path (or just the path). A usage error, since the fix is another path.
 */
export function fsUsageError(error: unknown, verb: 'read' | 'write', what: string): UsageError {
  return new UsageError(`cannot ${verb} ${what}: ${fsErrorReason(error)}`);
}

/**
 * Checks, before any long work, that `path` can be an output directory: it is one and is
 * writable, or it does not exist yet and its nearest existing ancestor is a writable
 * directory. Leaves nothing behind. Throws a UsageError naming `flag` otherwise.
 */
export async function checkOutputDirectory(path: string, flag: string): Promise<void> {
  await checkDirectory(resolve(path), `${flag} ${path}`, true);
}

/**
 * Checks, before any long work, that `path` can be written as a file (atomically: a temp
 * file beside it, then a rename): it is not a directory and its directory can be written.
 */
export async function checkOutputFile(path: string, flag: string): Promise<void> {
  const what = `${flag} ${path}`;
  const found = await statOrMissing(path, what);
  if (found?.isDirectory()) throw new UsageError(`cannot write ${what}: it is a directory`);
  await checkDirectory(dirname(resolve(path)), what, false);
}

/** `self`: the directory is what the user named (so messages need not name it again). */
async function checkDirectory(directory: string, what: string, self: boolean): Promise<void> {
  let current = directory;
  for (;;) {
    const found = await statOrMissing(current, what);
    if (found) {
      const named = self && current === directory;
      if (!found.isDirectory()) throw new UsageError(`cannot write ${what}: ${named ? 'not a directory' : `${current} is not a directory`}`);
      try {
        await access(current, constants.W_OK | constants.X_OK);
        await probeWrite(current);
      } catch (error) {
        throw new UsageError(`cannot write ${what}: ${named ? fsErrorReason(error) : `${current} is not writable (${fsErrorReason(error)})`}`);
      }
      return;
    }
    // Missing: it will be created under the nearest ancestor that exists.
    const up = dirname(current);
    if (up === current) return;
    current = up;
  }
}

/**
 * Checks the files a command will write into `directory` (names relative to it): the
 * directory as in checkOutputDirectory, and no target name taken by a directory.
 */
export async function checkOutputFiles(directory: string, names: readonly string[], flag: string): Promise<void> {
  await checkOutputDirectory(directory, flag);
  for (const name of names) {
    const path = join(directory, name);
    const found = await statOrMissing(path, `${flag} ${directory}`);
    if (found?.isDirectory()) throw new UsageError(`cannot write ${flag} ${directory}: ${path} is a directory`);
  }
}

/** Checks that `path` is a readable regular file; `what` names it (`--prompts x.csv`). */
export async function checkInputFile(path: string, what: string): Promise<void> {
  let found;
  try {
    found = await stat(path);
  } catch (error) {
    throw fsUsageError(error, 'read', what);
  }
  if (found.isDirectory()) throw new UsageError(`cannot read ${what}: it is a directory, not a file`);
  try {
    await access(path, constants.R_OK);
  } catch (error) {
    throw fsUsageError(error, 'read', what);
  }
}

/**
 * Creates and removes an empty file in `directory`. access(W_OK) alone passes for root on /sys
 * and for anyone on /proc, where files cannot be created (and Node 20's recursive mkdir under
 * /proc never settles): only an actual creation tells, and it costs two syscalls.
 */
async function probeWrite(directory: string): Promise<void> {
  const probe = join(directory, `.routellm-write-check-${process.pid}-${randomBytes(4).toString('hex')}`);
  const handle = await open(probe, 'wx');
  await handle.close();
  await rm(probe, { force: true });
}

async function statOrMissing(path: string, what: string) {
  try {
    return await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw fsUsageError(error, 'write', what);
  }
}
