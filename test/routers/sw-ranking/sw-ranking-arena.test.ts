import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/core/index.js';
import { lazySwRankingRouterFactory as swRankingRouterFactory } from '../../../src/routers/lazy-network-routers.js';
import { writeSwRankingData } from '../../../src/routers/sw-ranking/write-sw-ranking-data.js';
import { nodeRouterContext } from '../../../src/runtime/node-router-context.js';
import { arenaBattlesParquet, embeddingsParquet, type ArenaBattleRow } from '../../helpers/arena-parquet.js';
import { startFakeHub, type FakeHub } from '../../helpers/fake-hub.js';
import { startJsonHandlerServer, type JsonHandlerServer } from '../../helpers/json-handler-server.js';

const STRONG = 'gpt-4-1106-preview';
const WEAK = 'mixtral-8x7b-instruct-v0.1';
const MID = 'claude-2.1';
const TOPICS = [
  ['integral', 'derivative', 'equation', 'prove'],
  ['poem', 'story', 'haiku'],
  ['hello', 'thanks', 'joke'],
];
/** A 3-d "embedding": counts of math, writing and chit-chat words, plus a floor. */
const topicVector = (text: string) => TOPICS.map((topic) => 0.05 + text.toLowerCase().split(/\W+/).filter((w) => topic.includes(w)).length);

/** Battles as the arena files hold them; those whose first turn is under 16 characters RouteLLM drops. */
function arena(offset: number): ArenaBattleRow[] {
  const rows: ArenaBattleRow[] = [];
  for (let i = offset; i < offset + 6; i++) {
    rows.push({ model_a: STRONG, model_b: WEAK, turns: [` prove the integral equation number ${i} `, 'and then?'], winner: i % 6 === 5 ? 'model_b' : 'model_a' });
    rows.push({ model_a: WEAK, model_b: MID, turns: [`prove the derivative number ${i}`], winner: 'model_b' });
    rows.push({ model_a: STRONG, model_b: WEAK, turns: [`hello, tell me a joke number ${i}`], winner: i % 2 ? 'tie' : 'model_b' });
    rows.push({ model_a: MID, model_b: STRONG, turns: ['hi'], winner: 'model_a' }); // dropped: 2 characters
    rows.push({ model_a: WEAK, model_b: STRONG, turns: [`write a poem and a story ${i}`], winner: 'tie' });
  }
  return rows;
}
const kept = (rows: ArenaBattleRow[]) => rows.filter((r) => [...r.turns[0]!.trim()].length >= 16);
const vectorsOf = (rows: ArenaBattleRow[]) => kept(rows).map((r) => topicVector(r.turns[0]!.trim()));

const FIRST = arena(0);
const SECOND = arena(100);
const CSV = 'id,model_a,model_b,prompt\n1,a,b,"[""x""]"\n';

let hub: FakeHub;
let embeddings: JsonHandlerServer;
let dir: string;

beforeAll(async () => {
  hub = await startFakeHub([
    // Like the real 55k: a CSV repo, read through the hub's parquet conversion (two files).
    {
      type: 'dataset',
      id: 'lmsys/lmsys-arena-human-preference-55k',
      revisions: {
        main: { files: { 'train.csv': CSV, 'README.md': '# arena' } },
        'refs/convert/parquet': {
          files: { 'default/train/0000.parquet': arenaBattlesParquet(FIRST.slice(0, 13)), 'default/train/0001.parquet': arenaBattlesParquet(FIRST.slice(13), { rowGroupSize: 4 }) },
        },
      },
    },
    { type: 'dataset', id: 'routellm/gpt4_judge_battles', revisions: { main: { files: { 'data/train-00000-of-00001.parquet': arenaBattlesParquet(SECOND) } } } },
    { type: 'dataset', id: 'routellm/arena_battles_embeddings', revisions: { main: { files: { 'data/train-00000-of-00001.parquet': embeddingsParquet(vectorsOf(FIRST), { rowGroupSize: 7 }) } } } },
    {
      type: 'dataset',
      id: 'routellm/gpt4_judge_battles_embeddings',
      revisions: { main: { files: { 'data/train-00000-of-00001.parquet': embeddingsParquet(vectorsOf(SECOND), { type: 'FLOAT' }), 'data/test-00000-of-00001.parquet': embeddingsParquet([[1, 2, 3]]) } } },
    },
    { type: 'dataset', id: 'acme/wrong_columns', revisions: { main: { files: { 'train.parquet': arenaBattlesParquet(FIRST, { omit: ['winner_model_b'] }) } } } },
    { type: 'dataset', id: 'acme/not_parquet', revisions: { main: { files: { 'train.parquet': 'PAR1 this is not a parquet file' } } } },
  ]);
  embeddings = await startJsonHandlerServer((request) => ({
    body: { object: 'list', data: (request.body.input as string[]).map((text, index) => ({ object: 'embedding', index, embedding: topicVector(text) })) },
  }));
});
afterAll(async () => {
  await hub.close();
  await embeddings.close();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sw-arena-'));
  return () => rm(dir, { recursive: true, force: true });
});

const context = (extra: Record<string, string> = {}) =>
  nodeRouterContext({ env: { HF_ENDPOINT: hub.endpoint, HF_HUB_CACHE: join(dir, 'cache'), OPENAI_BASE_URL: embeddings.baseURL, ...extra }, cwd: dir });
const ROUTELLM_CONFIG = {
  arena_battle_datasets: ['lmsys/lmsys-arena-human-preference-55k', 'routellm/gpt4_judge_battles'],
  arena_embedding_datasets: ['routellm/arena_battles_embeddings', 'routellm/gpt4_judge_battles_embeddings'],
};
const create = (options: Record<string, unknown>, extra?: Record<string, string>) => Promise.resolve().then(() => swRankingRouterFactory.create(options, context(extra)));
const PROMPTS = ['Prove this integral equation', 'hello! a joke please', 'a poem about an integral'];

describe("sw_ranking on RouteLLM's arena datasets (config.example.yaml)", () => {
  it('reads the hub datasets as parquet and routes exactly as the same battles in routellm format', async () => {
    const router = await create(ROUTELLM_CONFIG);
    // The reference: the kept battles, in order, each with its own embedding row, in battles.jsonl + embeddings.safetensors.
    const battles = [...kept(FIRST), ...kept(SECOND)].map((r, promptIndex) => ({ model_a: r.model_a, model_b: r.model_b, winner: r.winner, promptIndex }));
    const vectors = [...vectorsOf(FIRST), ...vectorsOf(SECOND)];
    await writeSwRankingData(join(dir, 'reference'), { battles, embeddings: Float32Array.from(vectors.flat()), dim: 3, embedderId: 'openai:text-embedding-3-small:3' });
    const reference = await create({ data_dir: join(dir, 'reference') });
    for (const prompt of PROMPTS) expect(await router.strongWinRate(prompt)).toBeCloseTo(await reference.strongWinRate(prompt), 10);
    expect(await router.strongWinRate(PROMPTS[0]!)).toBeGreaterThan(0.7);
    // The CSV repo was read through refs/convert/parquet, recorded in the cache as the Python records refs.
    const paths = hub.requests.map((r) => r.path);
    expect(paths).toContain('/api/datasets/lmsys/lmsys-arena-human-preference-55k/revision/refs%2Fconvert%2Fparquet');
    expect(paths.some((p) => p.endsWith('/train.csv'))).toBe(false);
    expect(paths.some((p) => p.includes('data/test-'))).toBe(false);
    // The prompts were embedded by the OpenAI-compatible endpoint, with RouteLLM's model.
    expect(embeddings.requests.at(-1)!.body.model).toBe('text-embedding-3-small');
  });

  it('offline, a second run reads everything from the cache', async () => {
    await create(ROUTELLM_CONFIG);
    hub.requests.length = 0;
    const router = await create(ROUTELLM_CONFIG, { HF_HUB_OFFLINE: '1' });
    expect(await router.strongWinRate(PROMPTS[0]!)).toBeGreaterThan(0.7);
    expect(hub.requests).toEqual([]);
  });

  it('takes local parquet files and directories too', async () => {
    await mkdir(join(dir, 'battles'), { recursive: true });
    await writeFile(join(dir, 'battles', 'train-0.parquet'), arenaBattlesParquet(FIRST));
    await writeFile(join(dir, 'battles', 'test-0.parquet'), arenaBattlesParquet(SECOND));
    await writeFile(join(dir, 'embeddings.parquet'), embeddingsParquet(vectorsOf(FIRST)));
    const router = await create({ arena_battle_datasets: ['battles'], arena_embedding_datasets: ['embeddings.parquet'] });
    expect(await router.strongWinRate(PROMPTS[0]!)).toBeGreaterThan(0.5);
  });

  it('one line for each bad input', async () => {
    const message = async (options: Record<string, unknown>) => {
      const error = await create(options).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).not.toContain('\n');
      return (error as Error).message;
    };
    expect(await message({ arena_battle_datasets: ['lmsys/lmsys-arena-human-preference-55k'], arena_embedding_datasets: ['routellm/arena_battles_embeddings', 'routellm/gpt4_judge_battles_embeddings'] })).toBe(
      `sw_ranking: the arena_embedding_datasets have ${kept(FIRST).length + kept(SECOND).length} rows but the arena_battle_datasets give ${kept(FIRST).length} battles (after dropping first turns under 16 characters); list matching datasets, in the same order`,
    );
    expect(await message({ ...ROUTELLM_CONFIG, arena_battle_datasets: ['acme/wrong_columns'] })).toMatch(
      /^sw_ranking\.arena_battle_datasets: acme\/wrong_columns \(.*train\.parquet\) has no column winner_model_b; RouteLLM's battle preprocessing needs model_a, model_b, prompt, winner_model_a, winner_model_b \(it has id, model_a, model_b, prompt, response_a, response_b, winner_model_a, winner_tie\)$/,
    );
    expect(await message({ ...ROUTELLM_CONFIG, arena_battle_datasets: ['acme/not_parquet'] })).toMatch(/^sw_ranking\.arena_battle_datasets: acme\/not_parquet \(.*train\.parquet\) is not a readable parquet file \(.+\)$/);
    expect(await message({ ...ROUTELLM_CONFIG, arena_embedding_datasets: ['lmsys/lmsys-arena-human-preference-55k'] })).toMatch(/has no column embeddings; RouteLLM's sw_ranking needs embeddings/);
    expect(await message({ arena_battle_datasets: ['lmsys/lmsys-arena-human-preference-55k'] })).toBe(
      'sw_ranking: set both arena_battle_datasets and arena_embedding_datasets (RouteLLM config), or data_dir',
    );
    expect(await message({ ...ROUTELLM_CONFIG, arena_battle_datasets: ['acme/nothing_here'] })).toMatch(/^sw_ranking\.arena_battle_datasets: the hub answered 401 for dataset acme\/nothing_here/);
    expect(await message({ ...ROUTELLM_CONFIG, arena_battle_datasets: [3] })).toBe('sw_ranking.arena_battle_datasets must be a list of Hugging Face dataset ids or local parquet paths');
  });

  it('without an OpenAI key or base URL, says the arena data needs OpenAI embeddings', async () => {
    const error = await Promise.resolve()
      .then(() => swRankingRouterFactory.create(ROUTELLM_CONFIG, nodeRouterContext({ env: { HF_ENDPOINT: hub.endpoint, HF_HUB_CACHE: join(dir, 'cache') }, cwd: dir })))
      .catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^sw_ranking: RouteLLM's arena embeddings are OpenAI text-embedding-3-small, so prompts must be too, and no API key .*: set OPENAI_API_KEY/);
  });
});
