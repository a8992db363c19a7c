import { createHash } from 'node:crypto';
import { ConfigError, UsageError, type RouterContext } from '../../core/index.js';
import { DEFAULT_OPENAI_EMBEDDING_MODEL } from '../../embed/openai-embedder.js';
import { readParquetColumns, readParquetVectors } from '../../parquet/parquet-table.js';
import { preprocessArenaBattles, type ArenaRow } from './arena-battles.js';
import type { SwRankingData } from './sw-ranking-data.js';

/** The columns RouteLLM's `preprocess_battles` reads from lmsys/lmsys-arena-human-preference-55k and routellm/gpt4_judge_battles. */
export const ARENA_BATTLE_COLUMNS = ['model_a', 'model_b', 'prompt', 'winner_model_a', 'winner_model_b'] as const;
/** The column of routellm/arena_battles_embeddings and routellm/gpt4_judge_battles_embeddings. */
export const ARENA_EMBEDDING_COLUMN = 'embeddings';
/** The split RouteLLM loads (`load_dataset(name, split="train")`). */
export const ARENA_SPLIT = 'train';

const BATTLES_OPTION = 'sw_ranking.arena_battle_datasets';
const EMBEDDINGS_OPTION = 'sw_ranking.arena_embedding_datasets';

/**
 * RouteLLM's sw_ranking data from its config's `arena_battle_datasets` and
 * `arena_embedding_datasets`: each a Hugging Face dataset id (fetched as parquet through
 * `context.hub`) or a local parquet file or directory. The battle sets are concatenated and
 * preprocessed as the Python does (first turn, winner, turns under 16 characters dropped); the
 * embedding sets are concatenated in order and must have one row per kept battle, embedded with
 * OpenAI text-embedding-3-small. `digest` changes with any byte of any file.
 */
export async function loadArenaDatasets(
  battleSets: readonly string[],
  embeddingSets: readonly string[],
  context: RouterContext,
): Promise<{ data: SwRankingData; digest: string }> {
  const hash = createHash('sha256');
  const battles: SwRankingData['battles'][number][] = [];
  for (const set of battleSets) {
    for (const { path, bytes } of await datasetFiles(set, BATTLES_OPTION, context)) {
      hash.update(bytes);
      const source = `${set} (${path})`;
      const columns = await readParquetColumns(bytes, ARENA_BATTLE_COLUMNS, { source, where: BATTLES_OPTION, what: "RouteLLM's battle preprocessing" });
      const rows: ArenaRow[] = columns['model_a']!.map((_, i) => ({
        model_a: String(columns['model_a']![i]),
        model_b: String(columns['model_b']![i]),
        prompt: String(columns['prompt']![i]),
        winner_model_a: winner(columns['winner_model_a']![i]),
        winner_model_b: winner(columns['winner_model_b']![i]),
      }));
      let kept;
      try {
        kept = preprocessArenaBattles(rows);
      } catch (error) {
        if (error instanceof UsageError) throw new ConfigError(`${BATTLES_OPTION}: ${source}: ${error.message}`);
        throw error;
      }
      for (const battle of kept) battles.push({ model_a: battle.model_a, model_b: battle.model_b, winner: battle.winner, promptIndex: battles.length });
    }
  }
  if (battles.length === 0) throw new ConfigError(`${BATTLES_OPTION}: no battles left once first turns under 16 characters are dropped`);

  const parts: Float32Array[] = [];
  let dim = 0;
  let rows = 0;
  for (const set of embeddingSets) {
    for (const { path, bytes } of await datasetFiles(set, EMBEDDINGS_OPTION, context)) {
      hash.update(bytes);
      const source = `${set} (${path})`;
      const part = await readParquetVectors(bytes, ARENA_EMBEDDING_COLUMN, { source, where: EMBEDDINGS_OPTION, what: "RouteLLM's sw_ranking" });
      if (part.rows === 0) continue;
      if (dim !== 0 && part.dim !== dim) throw new ConfigError(`${EMBEDDINGS_OPTION}: ${source} has ${part.dim}-d embeddings, the sets before it ${dim}-d`);
      dim = part.dim;
      rows += part.rows;
      parts.push(part.data);
    }
  }
  if (rows !== battles.length) {
    throw new ConfigError(
      `sw_ranking: the arena_embedding_datasets have ${rows} rows but the arena_battle_datasets give ${battles.length} battles (after dropping first turns under 16 characters); ` +
        'list matching datasets, in the same order',
    );
  }
  const embeddings = new Float32Array(rows * dim);
  let at = 0;
  for (const part of parts) {
    embeddings.set(part, at);
    at += part.length;
  }
  return {
    data: { battles, embeddings, dim, embedderId: `openai:${DEFAULT_OPENAI_EMBEDDING_MODEL}:${dim}` },
    digest: hash.digest('hex'),
  };
}

/** A one-hot winner column as stored (int64 as bigint, or a number, or a boolean) -> a number. */
function winner(value: unknown): number {
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  return Number(value);
}

/** The parquet files of one dataset entry, read: a hub id through the hub, else a local file or directory. */
async function datasetFiles(entry: string, where: string, context: RouterContext): Promise<Array<{ path: string; bytes: Uint8Array }>> {
  const repo = await context.hub?.repoOf(entry);
  const paths =
    repo !== undefined && context.hub
      ? await context.hub.datasetParquetFiles(repo, ARENA_SPLIT, where)
      : context.hub
        ? await context.hub.localParquetFiles(entry, ARENA_SPLIT, where)
        : [entry];
  const files = [];
  for (const path of paths) {
    try {
      files.push({ path, bytes: await context.readFile(path) });
    } catch (error) {
      throw new ConfigError(`${where}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
  }
  return files;
}
