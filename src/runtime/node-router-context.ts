import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { RouterContext } from '../core/index.js';
import type { ProgressStream } from '../hub/download-progress.js';
import { nodeHubAccess } from '../hub/node-hub-access.js';
import { datasetsDir } from './package-paths.js';

/** The RouterContext for a Node process: real files, real fetch, the shipped datasets, the Hugging Face hub. */
export function nodeRouterContext(options: {
  env: Readonly<Record<string, string | undefined>>;
  cwd?: string;
  fetch?: typeof globalThis.fetch;
  /** Where hub downloads show progress (the command's stderr); none: downloads are silent. */
  stderr?: ProgressStream;
}): RouterContext {
  const cwd = options.cwd ?? process.cwd();
  const fetch = options.fetch ?? globalThis.fetch;
  return {
    env: options.env,
    fetch,
    datasetsDir: datasetsDir(),
    readFile: async (path) => new Uint8Array(await readFile(resolve(cwd, path))),
    hub: nodeHubAccess({ env: options.env, cwd, fetch, ...(options.stderr ? { stderr: options.stderr } : {}) }),
  };
}
