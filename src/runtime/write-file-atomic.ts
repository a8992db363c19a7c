import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * Writes a file so readers see the old one or the new one, never half of it: a temporary
 * file beside it, then a rename (atomic within one directory). A failed write leaves no
 * temporary file behind.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, data);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Writes several files into `directory` as a set: every file goes to a temporary file
 * beside its target first, and only when all of them are written are they renamed into
 * place. A failure while writing leaves the old files untouched and no temporary file
 * behind (a rename, within one directory, practically does not fail after the writes did).
 */
export async function writeFilesAtomic(directory: string, files: readonly (readonly [name: string, data: Uint8Array | string])[]): Promise<string[]> {
  await mkdir(directory, { recursive: true });
  const suffix = `.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const staged: { temporary: string; path: string }[] = [];
  try {
    for (const [name, data] of files) {
      const path = join(directory, name);
      const temporary = `${path}${suffix}`;
      staged.push({ temporary, path });
      await writeFile(temporary, data);
    }
    for (const { temporary, path } of staged) await rename(temporary, path);
  } catch (error) {
    await Promise.all(staged.map(({ temporary }) => rm(temporary, { force: true })));
    throw error;
  }
  return staged.map(({ path }) => path);
}
