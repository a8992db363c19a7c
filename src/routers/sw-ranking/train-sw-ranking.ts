import { UsageError } from '../../core/index.js';
import type { Embedder } from '../../embed/embedder.js';
import type { SwRankingData } from './sw-ranking-data.js';
import type { BattleWinner } from './sw-ranking-model.js';

/** A battle as users supply it: the prompt text instead of an embedding row. */
export interface PromptBattle {
  readonly prompt: string;
  readonly model_a: string;
  readonly model_b: string;
  readonly winner: BattleWinner;
}

/**
 * Builds sw_ranking data from battles: embeds each distinct prompt once (battles of one prompt
 * share its row, so a prompt compared across many model pairs costs one embedding), in batches
 * of `batchSize`, reporting progress as (done, total) distinct prompts. sw_ranking has no
 * parameters to fit: the "training" is the embedding; ratings are refitted per prompt.
 */
export async function trainSwRanking(options: {
  battles: readonly PromptBattle[];
  embedder: Embedder;
  strongModel?: string;
  weakModel?: string;
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}): Promise<SwRankingData> {
  const { battles, embedder } = options;
  if (battles.length === 0) throw new UsageError('sw_ranking training needs at least one battle');
  const rowOf = new Map<string, number>();
  const prompts: string[] = [];
  const rows = battles.map((b) => {
    let row = rowOf.get(b.prompt);
    if (row === undefined) {
      row = prompts.length;
      rowOf.set(b.prompt, row);
      prompts.push(b.prompt);
    }
    return row;
  });

  const dim = embedder.dim;
  const embeddings = new Float32Array(prompts.length * dim);
  const batchSize = options.batchSize ?? 64;
  for (let start = 0; start < prompts.length; start += batchSize) {
    const batch = prompts.slice(start, start + batchSize);
    const vectors = await embedder.embed(batch);
    vectors.forEach((vector, i) => {
      if (vector.length !== dim) throw new UsageError(`embedder ${embedder.id} returned a ${vector.length}-d vector; it declares ${dim}`);
      embeddings.set(vector, (start + i) * dim);
    });
    options.onProgress?.(Math.min(start + batchSize, prompts.length), prompts.length);
  }

  return {
    battles: battles.map((b, k) => ({ model_a: b.model_a, model_b: b.model_b, winner: b.winner, promptIndex: rows[k]! })),
    embeddings,
    dim,
    embedderId: embedder.id,
    prompts,
    ...(options.strongModel ? { strongModel: options.strongModel } : {}),
    ...(options.weakModel ? { weakModel: options.weakModel } : {}),
  };
}
