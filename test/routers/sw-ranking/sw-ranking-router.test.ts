import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, type RouterContext } from '../../../src/core/index.js';
import type { Embedder } from '../../../src/embed/embedder.js';
import { decodeSwRankingData } from '../../../src/routers/sw-ranking/sw-ranking-data.js';
import { createSwRankingRouterFactory, swRankingRouterFactory, type SwRankingRouter } from '../../../src/routers/sw-ranking/sw-ranking-router.js';
import { trainSwRanking, type PromptBattle } from '../../../src/routers/sw-ranking/train-sw-ranking.js';
import { writeSwRankingData } from '../../../src/routers/sw-ranking/write-sw-ranking-data.js';
import { startJsonHandlerServer, type JsonHandlerServer } from '../../helpers/json-handler-server.js';

const TOPICS = [
  ['integral', 'derivative', 'equation', 'prove'],
  ['poem', 'story', 'haiku'],
  ['hello', 'thanks', 'joke'],
];

/** A tiny deterministic embedder: counts of math, writing and chit-chat words (plus a floor, so no vector is zero). */
function topicVector(text: string): Float32Array {
  const words = text.toLowerCase().split(/\W+/);
  return Float32Array.from(TOPICS.map((topic) => 0.05 + words.filter((w) => topic.includes(w)).length));
}

function topicEmbedder(id = 'test:topics'): Embedder & { calls: string[][] } {
  const calls: string[][] = [];
  return { id, dim: 3, calls, embed: async (texts) => (calls.push([...texts]), texts.map(topicVector)) };
}

const STRONG = 'gpt-4-1106-preview';
const WEAK = 'mixtral-8x7b-instruct-v0.1';
const MID = 'claude-2';

/** Math prompts: the strong model wins. Chit-chat: the weak one wins or ties. Writing: ties. */
function battles(): PromptBattle[] {
  const out: PromptBattle[] = [];
  for (let i = 0; i < 8; i++) {
    const math = `prove the integral equation number ${i}`;
    out.push({ prompt: math, model_a: STRONG, model_b: WEAK, winner: i < 7 ? 'model_a' : 'model_b' });
    out.push({ prompt: math, model_a: WEAK, model_b: MID, winner: 'model_b' });
    const chat = `hello, tell me a joke ${i}`;
    out.push({ prompt: chat, model_a: STRONG, model_b: WEAK, winner: i < 5 ? 'model_b' : 'tie' });
    out.push({ prompt: chat, model_a: MID, model_b: STRONG, winner: 'tie (bothbad)' });
    out.push({ prompt: `write a poem and a story ${i}`, model_a: WEAK, model_b: STRONG, winner: 'tie' });
  }
  return out;
}

let dir: string;
let context: RouterContext;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'routellm-sw-'));
  context = {
    env: {},
    fetch: globalThis.fetch,
    datasetsDir: join(dir, 'datasets'),
    readFile: async (path) => new Uint8Array(await readFile(path)),
  };
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function trainedDir(name: string, embedder: Embedder = topicEmbedder()): Promise<string> {
  const data = await trainSwRanking({ battles: battles(), embedder, strongModel: STRONG, weakModel: WEAK, batchSize: 5 });
  const out = join(dir, name);
  await writeSwRankingData(out, data, { includePrompts: true });
  return out;
}

describe('trainSwRanking + writeSwRankingData', () => {
  it('embeds each distinct prompt once, in batches, and writes battles.jsonl + embeddings.safetensors', async () => {
    const embedder = topicEmbedder();
    const progress: Array<[number, number]> = [];
    const data = await trainSwRanking({ battles: battles(), embedder, batchSize: 5, onProgress: (done, total) => progress.push([done, total]) });
    expect(data.battles).toHaveLength(40);
    expect(data.embeddings).toHaveLength(24 * 3); // 24 distinct prompts
    expect(embedder.calls.map((c) => c.length)).toEqual([5, 5, 5, 5, 4]);
    expect(progress.at(-1)).toEqual([24, 24]);
    expect(data.battles[0]!.promptIndex).toBe(data.battles[1]!.promptIndex);

    const out = join(dir, 'written');
    const paths = await writeSwRankingData(out, { ...data, strongModel: STRONG }, { dtype: 'F16' });
    const lines = (await readFile(paths.battlesPath, 'utf8')).trim().split('\n');
    expect(JSON.parse(lines[0]!)).toEqual({ model_a: STRONG, model_b: WEAK, winner: 'model_a', prompt_index: 0 });
    const decoded = decodeSwRankingData(await readFile(paths.battlesPath), await readFile(paths.embeddingsPath));
    expect(decoded).toMatchObject({ dim: 3, embedderId: 'test:topics', strongModel: STRONG });
    expect(decoded.battles).toEqual(data.battles);
    // F16 keeps about three significant digits.
    decoded.embeddings.forEach((v, i) => expect(v).toBeCloseTo(data.embeddings[i]!, 2));
  });
});

describe('sw_ranking router', () => {
  it('routes math prompts to the strong model and chit-chat to the weak one', async () => {
    const embedder = topicEmbedder();
    const factory = createSwRankingRouterFactory(() => embedder);
    const router = (await factory.create({ data_dir: await trainedDir('topics') }, context)) as SwRankingRouter;
    expect(router.name).toBe('sw_ranking');
    const math = await router.strongWinRate('Prove this integral equation');
    const chat = await router.strongWinRate('hello! a joke please');
    expect(math).toBeGreaterThan(0.8);
    // Weights span only 10x (sim 0 vs 1), so distant battles still count: chit-chat lands near 1/3.
    expect(chat).toBeLessThan(0.4);
    // Batched scoring agrees with one-at-a-time scoring, and embeds in one call.
    embedder.calls.length = 0;
    const many = await router.strongWinRates!(['a poem about an integral', 'thanks for the story']);
    expect(embedder.calls).toEqual([['a poem about an integral', 'thanks for the story']]);
    expect(many[0]).toBeCloseTo(await router.strongWinRate('a poem about an integral'), 12);
    // A repeated prompt is served from the cache, synchronously, with the same score.
    const again = router.strongWinRate('Prove this integral equation');
    expect(typeof again).toBe('number');
    expect(again).toBe(math);
    expect(Object.fromEntries(router.model.tiers)).toMatchObject({ [STRONG]: expect.any(Number), [WEAK]: expect.any(Number) });
  });

  it('reads battles_path + embeddings_path, honours strong/weak options, and fingerprints data and options', async () => {
    const out = await trainedDir('paths');
    const factory = createSwRankingRouterFactory(() => topicEmbedder());
    const files = { battles_path: join(out, 'battles.jsonl'), embeddings_path: join(out, 'embeddings.safetensors') };
    const a = await factory.create(files, context);
    const b = await factory.create({ data_dir: out }, context);
    expect(a.fingerprint).toBe(b.fingerprint);
    const swapped = await factory.create({ ...files, strong_model: MID }, context);
    expect(swapped.fingerprint).not.toBe(a.fingerprint);
    expect(await swapped.strongWinRate('hello joke')).not.toBeCloseTo(await a.strongWinRate('hello joke'), 3);
  });

  it('embeds prompts through the openai embedder recorded with the data', async () => {
    const server: JsonHandlerServer = await startJsonHandlerServer((request) => ({
      body: {
        object: 'list',
        data: (request.body.input as string[]).map((text, index) => ({ object: 'embedding', index, embedding: [...topicVector(text)] })),
        model: request.body.model,
      },
    }));
    try {
      const recorded = topicEmbedder('openai:topic-embed:3');
      const out = await trainedDir('openai', recorded);
      const router = await swRankingRouterFactory.create(
        { data_dir: out, embedder: { type: 'openai', base_url: server.baseURL, api_key: 'sk-test', model: 'topic-embed', dim: 3 } },
        context,
      );
      expect(await router.strongWinRate('derivative of an equation')).toBeGreaterThan(0.8);
      expect(server.requests.map((r) => r.body.input)).toEqual([['derivative of an equation']]);
      expect(server.requests[0]!.headers.authorization).toBe('Bearer sk-test');
    } finally {
      await server.close();
    }
  });

  it('refuses an embedder other than the one the data was embedded with', async () => {
    const factory = createSwRankingRouterFactory(() => topicEmbedder('test:other'));
    await expect(factory.create({ data_dir: await trainedDir('mismatch') }, context)).rejects.toThrow(
      /was embedded with "test:topics" but the configured embedder is "test:other"/,
    );
  });

  it('says how to get data when the files are missing, and rejects unknown options', async () => {
    const factory = createSwRankingRouterFactory(() => topicEmbedder());
    const missing = factory.create({}, context);
    await expect(missing).rejects.toThrow(ConfigError);
    await expect(factory.create({}, context)).rejects.toThrow(
      `sw_ranking: cannot read ${join(dir, 'datasets', 'sw_ranking', 'battles.jsonl')} (ENOENT); set sw_ranking.data_dir, or build the data with \`routellm train --router sw_ranking\``,
    );
    await expect(factory.create({ battles_path: 'x' }, context)).rejects.toThrow('set both battles_path and embeddings_path');
    await expect(factory.create({ datadir: 'x' }, context)).rejects.toThrow('sw_ranking: unknown option "datadir"');
    await expect(swRankingRouterFactory.create({ data_dir: await trainedDir('unknown-embedder') }, context)).rejects.toThrow(
      'sw_ranking.embedder: unknown embedder "test:topics"; available: openai',
    );
  });

  it('reports a bad battle line with its file and line number', async () => {
    const out = await trainedDir('bad-line');
    const path = join(out, 'battles.jsonl');
    const lines = (await readFile(path, 'utf8')).split('\n');
    lines[2] = JSON.stringify({ model_a: STRONG, model_b: WEAK, winner: 'draw' });
    await writeFile(path, lines.join('\n'));
    const factory = createSwRankingRouterFactory(() => topicEmbedder());
    const error = await Promise.resolve(factory.create({ data_dir: out }, context)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(`${path}:3: winner must be one of model_a, model_b, tie, "tie (bothbad)"; got "draw"`);
  });
});
