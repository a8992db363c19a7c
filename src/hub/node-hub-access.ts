import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { ConfigError, type HubAccess } from '../core/index.js';
import type { ProgressStream } from './download-progress.js';
import { HubClient } from './hub-client.js';
import { HubError } from './hub-error.js';
import { hubSettings } from './hub-settings.js';
import { looksLikeRepoId, type HubRepo } from './repo-id.js';
import { splitParquetFiles } from './split-files.js';

/** The revision the hub's parquet conversion of a dataset lives on. */
export const PARQUET_CONVERSION_REVISION = 'refs/convert/parquet';

/**
 * The HubAccess of a Node process: hub ids resolve through a HubClient over the
 * `huggingface_hub` cache and settings read from `env`; local paths against `cwd`. Nothing is
 * read or fetched until a router asks.
 */
export function nodeHubAccess(options: {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  fetch: typeof globalThis.fetch;
  /** Download progress goes here (stderr). */
  stderr?: ProgressStream;
  home?: string;
}): HubAccess {
  const settings = hubSettings(options.env, options.home ?? homedir());
  let client: Promise<HubClient> | undefined;
  const getClient = () =>
    (client ??= (async () => {
      // `huggingface-cli login` writes the token file; HF_TOKEN wins over it, as in the Python.
      const token = settings.token ?? ((await readFile(settings.tokenPath, 'utf8').catch(() => '')).trim() || undefined);
      return new HubClient({
        settings,
        token,
        fetch: options.fetch,
        ...(options.stderr ? { progress: { stream: options.stderr, ci: Boolean(options.env['CI']) } } : {}),
      });
    })());

  return {
    async repoOf(value) {
      if (!looksLikeRepoId(value)) return undefined;
      return existsSync(resolve(options.cwd, value)) ? undefined : value;
    },

    async modelFiles(id, files, { optional = [], purpose }) {
      const hub = await getClient();
      const repo: HubRepo = { type: 'model', id };
      const found: Record<string, string | undefined> = {};
      for (const file of files) found[file] = await hub.file(repo, file, { purpose, optional: optional.includes(file) });
      return found;
    },

    async datasetParquetFiles(id, split, purpose) {
      const hub = await getClient();
      const repo: HubRepo = { type: 'dataset', id };
      const own = await hub.revisionFiles(repo, 'main', purpose);
      let revision = 'main';
      let listing = own;
      let files = own ? splitParquetFiles(own.files, split) : [];
      let converted: typeof own;
      if (files.length === 0) {
        // A repo of CSV or JSON files (lmsys/lmsys-arena-human-preference-55k has train.csv): the hub's own parquet of it.
        converted = await hub.revisionFiles(repo, PARQUET_CONVERSION_REVISION, purpose);
        revision = PARQUET_CONVERSION_REVISION;
        listing = converted;
        files = converted ? splitParquetFiles(converted.files, split) : [];
      }
      if (files.length === 0 || !listing) {
        if (settings.offline) throw hub.notCached(purpose, repo, 'HF_HUB_OFFLINE is set');
        const seen = own?.files ?? [];
        throw new HubError(
          `${purpose}: dataset ${id} has no parquet files for split "${split}"` +
            (seen.length > 0 ? ` (it has ${seen.slice(0, 5).join(', ')}${seen.length > 5 ? ', ...' : ''})` : '') +
            ' and the hub has no parquet conversion of it',
        );
      }
      const paths: string[] = [];
      for (const file of files) paths.push((await hub.file(repo, file, { revision: listing.commit, purpose }))!);
      await hub.writeRef(repo, revision, listing.commit);
      return paths;
    },

    async localParquetFiles(path, split, purpose) {
      const absolute = resolve(options.cwd, path);
      let isDirectory: boolean;
      try {
        isDirectory = (await stat(absolute)).isDirectory();
      } catch (error) {
        throw new ConfigError(`${purpose}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
      }
      if (!isDirectory) return [absolute];
      const entries = await readdir(absolute, { recursive: true, withFileTypes: true });
      const names = entries.filter((entry) => !entry.isDirectory()).map((entry) => relative(absolute, join(entry.parentPath, entry.name)).split('\\').join('/'));
      const files = splitParquetFiles(names, split);
      if (files.length === 0) throw new ConfigError(`${purpose}: ${path} holds no parquet files for split "${split}"`);
      return files.map((file) => join(absolute, ...file.split('/')));
    },
  };
}
