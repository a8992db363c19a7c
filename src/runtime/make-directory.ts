import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * `mkdir -p`: creates `directory` and its missing parents, one level at a time from the nearest
 * one that exists. Node's `mkdir(dir, { recursive: true })` never returns under a directory where
 * every create answers ENOENT though the parent exists (`/proc/nope`: it retries the parent, which
 * is there, then the child again, for ever); here that create's error is thrown, its code intact.
 */
export async function makeDirectory(directory: string): Promise<void> {
  const missing: string[] = [];
  for (let at = directory; ; at = dirname(at)) {
    try {
      await stat(at);
      break; // exists (a file in the way is the first mkdir's ENOTDIR or EEXIST below)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(at) === at) throw error;
      missing.push(at);
    }
  }
  for (const at of missing.reverse()) {
    try {
      await mkdir(at);
    } catch (error) {
      // Made by someone else in the meantime: fine when it is a directory.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !(await stat(at)).isDirectory()) throw error;
    }
  }
}
