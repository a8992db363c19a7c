import { parquetWriteBuffer } from 'hyparquet-writer';
import type { FakeRepo } from './fake-hub.js';
import { arenaBattlesParquet, embeddingsParquet, type ArenaBattleRow } from './arena-parquet.js';
import { fakeEmbedding, routellmMfFiles } from './routellm-artifacts.js';

const STRONG = 'gpt-4-1106-preview';
const WEAK = 'mixtral-8x7b-instruct-v0.1';
const OTHER = 'claude-2.1';

/** Arena battles where the strong model wins long prompts and loses or ties short ones (some under 16 characters, which RouteLLM drops). */
export function arenaBattles(offset: number, count: number): ArenaBattleRow[] {
  const rows: ArenaBattleRow[] = [];
  for (let i = offset; i < offset + count; i++) {
    const long = `Please prove in detail, step by step, theorem number ${i} about prime numbers and their distribution; ${'then generalise it. '.repeat(i % 5)}`;
    rows.push({ model_a: STRONG, model_b: WEAK, turns: [long], winner: i % 7 === 0 ? 'tie' : 'model_a' });
    rows.push({ model_a: WEAK, model_b: STRONG, turns: [`say hi number ${i}`], winner: i % 3 === 0 ? 'tie' : 'model_a' });
    rows.push({ model_a: OTHER, model_b: WEAK, turns: [`a short poem ${i}, please`], winner: 'model_a' });
    rows.push({ model_a: STRONG, model_b: OTHER, turns: ['ok'], winner: 'model_b' });
  }
  return rows;
}

/** The 1536-d embeddings RouteLLM's embedding datasets would hold for the battles kept by its preprocessing. */
export function arenaEmbeddings(rows: readonly ArenaBattleRow[]): number[][] {
  return rows.map((r) => r.turns[0]!.trim()).filter((turn) => [...turn].length >= 16).map(fakeEmbedding);
}

/**
 * The published win rates of routellm/lmsys-arena-human-preference-55k-thresholds, small: a
 * `prompt` column and one column per router; mf's are 0.00, 0.01, ..., 1.00 shuffled, so its
 * (1 - 0.2) quantile is 0.8.
 */
export const PUBLISHED_MF_WIN_RATES: readonly number[] = Array.from({ length: 101 }, (_, i) => ((i * 37) % 101) / 100);

function publishedWinRatesParquet(): Uint8Array {
  return new Uint8Array(
    parquetWriteBuffer({
      columnData: [
        { name: 'prompt', data: PUBLISHED_MF_WIN_RATES.map((_, i) => JSON.stringify([`arena prompt ${i}`])), type: 'STRING' },
        { name: 'mf', data: [...PUBLISHED_MF_WIN_RATES], type: 'DOUBLE' },
        { name: 'sw_ranking', data: PUBLISHED_MF_WIN_RATES.map((rate) => 1 - rate), type: 'DOUBLE' },
      ],
    }),
  );
}

/**
 * Every repo RouteLLM's config.example.yaml names, in the layouts the real ones have, small:
 * the mf checkpoint (model.safetensors + config.json), the causal_llm checkpoint's prompt files,
 * the 55k arena dataset as a CSV repo with the hub's parquet conversion, the GPT-4 judge battles
 * and both embedding datasets as parquet, and the win rates RouteLLM published for calibration. (bert's
 * repo is left out: routellm has no bert router.)
 */
export function routellmHubRepos(): FakeRepo[] {
  const arena = arenaBattles(0, 12);
  const judged = arenaBattles(100, 8);
  const parquet = (bytes: Uint8Array) => ({ main: { files: { 'data/train-00000-of-00001.parquet': bytes } } });
  return [
    { type: 'model', id: 'routellm/mf_gpt4_augmented', revisions: { main: { files: routellmMfFiles() } } },
    {
      type: 'model',
      id: 'routellm/causal_llm_gpt4_augmented',
      revisions: { main: { files: { 'config.json': '{"architectures":["LlamaForCausalLM"]}', 'system_ft_v5.txt': 'judge', 'classifier_ft_v5.txt': '{question}' } } },
    },
    {
      type: 'dataset',
      id: 'lmsys/lmsys-arena-human-preference-55k',
      revisions: {
        main: { files: { 'train.csv': 'id,model_a,model_b,prompt,response_a,response_b,winner_model_a,winner_model_b,winner_tie\n' } },
        'refs/convert/parquet': { files: { 'default/train/0000.parquet': arenaBattlesParquet(arena) } },
      },
    },
    { type: 'dataset', id: 'routellm/gpt4_judge_battles', revisions: parquet(arenaBattlesParquet(judged)) },
    { type: 'dataset', id: 'routellm/arena_battles_embeddings', revisions: parquet(embeddingsParquet(arenaEmbeddings(arena))) },
    { type: 'dataset', id: 'routellm/gpt4_judge_battles_embeddings', revisions: parquet(embeddingsParquet(arenaEmbeddings(judged))) },
    { type: 'dataset', id: 'routellm/lmsys-arena-human-preference-55k-thresholds', revisions: parquet(publishedWinRatesParquet()) },
  ];
}
