import { writeFilesAtomic } from '../../runtime/write-file-atomic.js';
import type { SafetensorsDtype } from '../../safetensors/safetensors-dtype.js';
import { BATTLES_FILE, EMBEDDINGS_FILE, encodeSwRankingData, type SwRankingData } from './sw-ranking-data.js';

/**
 * Writes sw_ranking data into `dir` as `battles.jsonl` + `embeddings.safetensors`, both
 * written before either is renamed into place, and returns their paths. `dtype: 'F16'`
 * halves the embeddings file at a cost of about 1e-3 relative error in the similarities.
 */
export async function writeSwRankingData(
  dir: string,
  data: SwRankingData,
  options: { dtype?: SafetensorsDtype; includePrompts?: boolean } = {},
): Promise<{ battlesPath: string; embeddingsPath: string }> {
  const encoded = encodeSwRankingData(data, options);
  // As a pair: new battles beside old embeddings would be a broken router.
  const [battlesPath, embeddingsPath] = (await writeFilesAtomic(dir, [
    [BATTLES_FILE, encoded.battles],
    [EMBEDDINGS_FILE, encoded.embeddings],
  ])) as [string, string];
  return { battlesPath, embeddingsPath };
}
