import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/core/index.js';
import { mfRouterFactory } from '../../../src/routers/mf/mf-router.js';
import { nodeRouterContext } from '../../../src/runtime/node-router-context.js';
import { startFakeHub, type FakeHub } from '../../helpers/fake-hub.js';
import type { JsonHandlerServer } from '../../helpers/json-handler-server.js';
import { fakeEmbedding, routellmMfFiles, startFakeEmbeddings } from '../../helpers/routellm-artifacts.js';

let hub: FakeHub;
let embeddings: JsonHandlerServer;
let dir: string;

beforeAll(async () => {
  hub = await startFakeHub([
    { type: 'model', id: 'routellm/mf_gpt4_augmented', revisions: { main: { files: routellmMfFiles() } } },
    { type: 'model', id: 'someone/mf_without_config', revisions: { main: { files: routellmMfFiles({ withConfig: false }) } } },
  ]);
  embeddings = await startFakeEmbeddings();
});
afterAll(async () => {
  await hub.close();
  await embeddings.close();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mf-hub-'));
  hub.requests.length = 0;
  return () => rm(dir, { recursive: true, force: true });
});

const env = (extra: Record<string, string> = {}) => ({
  HF_ENDPOINT: hub.endpoint,
  HF_HUB_CACHE: join(dir, 'cache'),
  OPENAI_BASE_URL: embeddings.baseURL,
  ...extra,
});
const context = (extra?: Record<string, string>) => nodeRouterContext({ env: env(extra), cwd: dir });
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

describe('mf with a hub id as checkpoint_path (RouteLLM config.example.yaml)', () => {
  it("downloads RouteLLM's checkpoint layout and embeds with OpenAI text-embedding-3-small, 1536-d", async () => {
    const router = await mfRouterFactory.create({ checkpoint_path: 'routellm/mf_gpt4_augmented' }, context());
    const prompt = 'Prove that there are infinitely many primes.';
    const e = fakeEmbedding(prompt);
    expect(await router.strongWinRate(prompt)).toBeCloseTo(sigmoid(e[0]! - e[1]!), 5);
    expect(embeddings.requests.at(-1)!.body.model).toBe('text-embedding-3-small');
    expect(hub.requests.some((r) => r.path === '/routellm/mf_gpt4_augmented/resolve/main/model.safetensors')).toBe(true);
  });

  it('takes the Python router options: hidden_size (README config), strong_model, weak_model', async () => {
    const router = await mfRouterFactory.create(
      { checkpoint_path: 'routellm/mf_gpt4_augmented', hidden_size: 2, strong_model: 'mixtral-8x7b-instruct-v0.1', weak_model: 'gpt-4-1106-preview' },
      context(),
    );
    const e = fakeEmbedding('hello');
    expect(await router.strongWinRate('hello')).toBeCloseTo(sigmoid(e[1]! - e[0]!), 5);
    // The README's hidden_size: 128 on these d = 2 weights fails, as torch's load_state_dict would.
    await expect(mfRouterFactory.create({ checkpoint_path: 'routellm/mf_gpt4_augmented', hidden_size: 128 }, context())).rejects.toThrow(
      /tensor "P\.weight" has shape \[64, 2\] but .*config\.json with mf\.hidden_size implies \[64, 128\]/,
    );
  });

  it('a repo without config.json takes the Python defaults, which options override', async () => {
    await expect(mfRouterFactory.create({ checkpoint_path: 'someone/mf_without_config' }, context())).rejects.toThrow(/implies \[64, 128\]/);
    const router = await mfRouterFactory.create({ checkpoint_path: 'someone/mf_without_config', hidden_size: 2 }, context());
    expect(await router.strongWinRate('x')).toBeGreaterThan(0);
  });

  it('says plainly that the checkpoint needs OpenAI embeddings when there is no key and no base URL', async () => {
    const error = await Promise.resolve()
      .then(() => mfRouterFactory.create({ checkpoint_path: 'routellm/mf_gpt4_augmented' }, nodeRouterContext({ env: { HF_ENDPOINT: hub.endpoint, HF_HUB_CACHE: join(dir, 'cache') }, cwd: dir })))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(
      /^mf: routellm\/mf_gpt4_augmented is RouteLLM's checkpoint format, whose prompts are embedded with OpenAI text-embedding-3-small \(1536-d\), and no API key for https:\/\/api\.openai\.com\/v1.*: set OPENAI_API_KEY, or OPENAI_BASE_URL/,
    );
  });

  it('a local directory of that name wins over the hub', async () => {
    await mkdir(join(dir, 'routellm', 'mf_gpt4_augmented'), { recursive: true });
    for (const [name, bytes] of Object.entries(routellmMfFiles())) await writeFile(join(dir, 'routellm', 'mf_gpt4_augmented', name), bytes);
    await mfRouterFactory.create({ checkpoint_path: 'routellm/mf_gpt4_augmented' }, context());
    expect(hub.requests).toEqual([]);
  });

  it('offline without the files: one line naming what to download', async () => {
    await expect(mfRouterFactory.create({ checkpoint_path: 'routellm/mf_gpt4_augmented' }, context({ HF_HUB_OFFLINE: '1' }))).rejects.toThrow(
      /^mf\.checkpoint_path: routellm\/mf_gpt4_augmented is not in the hub cache and HF_HUB_OFFLINE is set; where the network allows, download .*\/routellm\/mf_gpt4_augmented\/resolve\/main\/model\.safetensors into /,
    );
  });
});
