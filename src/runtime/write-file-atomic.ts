import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import writeFileAtomicLibrary from 'write-file-atomic';
import { makeDirectory } from './make-directory.js';

/**
 * Writes a file so readers see the old one or the new one, never half of it, and the new one
 * survives a crash once this resolves: write-file-atomic (a temporary file beside it, fsync, a
 * rename; concurrent writes of one path in this process queued; the old file's owner kept). A
 * failed write leaves no temporary file behind. docs/development.md, design notes: why the library.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  await makeDirectory(dirname(path));
  await writeFileAtomicLibrary(path, typeof data === 'string' ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength));
}

/**
 * Writes several files into `directory` as a set: every file goes to a temporary file beside its
 * target first (flushed to disk, as write-file-atomic flushes one), and only when all of them are
 * written are they renamed into place. A failure while writing leaves the old files untouched and
 * no temporary file behind (a rename, within one directory, practically does not fail after the
 * writes did). No library writes a set: write-file-atomic renames each file as soon as it is written.
 */
export async function writeFilesAtomic(directory: string, files: readonly (readonly [name: string, data: Uint8Array | string])[]): Promise<string[]> {
  await makeDirectory(directory);
  const suffix = `.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const staged: { temporary: string; path: string }[] = [];
  try {
    for (const [name, data] of files) {
      const path = join(directory, name);
      const temporary = `${path}${suffix}`;
      staged.push({ temporary, path });
      const file = await open(temporary, 'w');
      try {
        await file.writeFile(data);
        await file.sync();
      } finally {
        await file.close();
      }
    }
    for (const { temporary, path } of staged) await rename(temporary, path);
  } catch (error) {
    await Promise.all(staged.map(({ temporary }) => rm(temporary, { force: true })));
    throw error;
  }
  return staged.map(({ path }) => path);
}
