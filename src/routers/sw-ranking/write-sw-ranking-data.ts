import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SafetensorsDtype } from '../safetensors/safetensors-dtype.js';
import { BATTLES_FILE, EMBEDDINGS_FILE, encodeSwRankingData, type SwRankingData } from './sw-ranking-data.js';

/**
 * Writes sw_ranking data into `dir` as `battles.jsonl` + `embeddings.safetensors`, each
 * atomically (a temporary file renamed into place), and returns their paths. `dtype: 'F16'`
 * halves the embeddings file at a cost of about 1e-3 relative error in the similarities.
 */
export async function writeSwRankingData(
  dir: string,
  data: SwRankingData,
  options: { dtype?: SafetensorsDtype; includePrompts?: boolean } = {},
): Promise<{ battlesPath: string; embeddingsPath: string }> {
  const encoded = encodeSwRankingData(data, options);
  await mkdir(dir, { recursive: true });
  const battlesPath = join(dir, BATTLES_FILE);
  const embeddingsPath = join(dir, EMBEDDINGS_FILE);
  for (const [path, bytes] of [
    [battlesPath, encoded.battles],
    [embeddingsPath, encoded.embeddings],
  ] as const) {
    const temporary = `${path}.${process.pid}.tmp`;
    await writeFile(temporary, bytes);
    await rename(temporary, path);
  }
  return { battlesPath, embeddingsPath };
}
