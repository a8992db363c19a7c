import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packageRoot } from '../src/runtime/package-paths.js';

/** BENCHMARKS.md at the package root. */
export function benchmarksFile(): string {
  return join(packageRoot(), 'BENCHMARKS.md');
}

/**
 * Replaces one bench's section of BENCHMARKS.md, between `<!-- bench:NAME -->` and
 * `<!-- /bench:NAME -->`, leaving every other section as it is; appends it when new.
 */
export async function writeBenchSection(name: string, markdown: string, file: string = benchmarksFile()): Promise<void> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    text = '# Benchmarks\n\nEach section is written by its bench (`npm run bench`); figures come from one run on this machine.\n';
  }
  const open = `<!-- bench:${name} -->`;
  const close = `<!-- /bench:${name} -->`;
  const section = `${open}\n${markdown.trim()}\n${close}`;
  const start = text.indexOf(open);
  const end = text.indexOf(close);
  const next =
    start >= 0 && end > start ? `${text.slice(0, start)}${section}${text.slice(end + close.length)}` : `${text.trimEnd()}\n\n${section}\n`;
  await writeFile(file, next);
}
