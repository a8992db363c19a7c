import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { RouterContext } from '../core/index.js';
import { datasetsDir } from './package-paths.js';

/** The RouterContext for a Node process: real files, real fetch, the shipped datasets. */
export function nodeRouterContext(options: {
  env: Readonly<Record<string, string | undefined>>;
  cwd?: string;
  fetch?: typeof globalThis.fetch;
}): RouterContext {
  const cwd = options.cwd ?? process.cwd();
  return {
    env: options.env,
    fetch: options.fetch ?? globalThis.fetch,
    datasetsDir: datasetsDir(),
    readFile: async (path) => new Uint8Array(await readFile(resolve(cwd, path))),
  };
}
