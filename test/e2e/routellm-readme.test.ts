import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeHub, type FakeHub } from '../helpers/fake-hub.js';
import { startJsonHandlerServer, type JsonHandlerServer } from '../helpers/json-handler-server.js';
import { fakeEmbedding } from '../helpers/routellm-artifacts.js';
import { routellmHubRepos } from '../helpers/routellm-hub.js';
import { runCliChild } from '../helpers/run-cli-child.js';
import { runCliInProcess } from '../helpers/run-cli-in-process.js';
import { startServeChild } from '../helpers/serve-child.js';
import { startServeInProcess } from '../helpers/serve-in-process.js';

/**
 * RouteLLM's README commands, spelled as routellm takes them, with RouteLLM's
 * config.example.yaml byte for byte, against a fake Hugging Face hub (small files in the real
 * repos' layouts) and one fake OpenAI-compatible provider (embeddings for mf and sw_ranking, chat
 * for both models). Nothing here reaches the internet.
 */
const CONFIG = fileURLToPath(new URL('../fixtures/routellm/config.example.yaml', import.meta.url));

let hub: FakeHub;
let openai: JsonHandlerServer;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  hub = await startFakeHub(routellmHubRepos());
  openai = await startJsonHandlerServer((request) => {
    if (request.path === '/v1/embeddings') {
      const input = request.body.input as string[];
      return { body: { object: 'list', model: request.body.model, data: input.map((text, index) => ({ object: 'embedding', index, embedding: fakeEmbedding(text) })) } };
    }
    return {
      body: {
        id: 'chatcmpl-fake',
        object: 'chat.completion',
        created: 1_700_000_000,
        model: request.body.model,
        choices: [{ index: 0, message: { role: 'assistant', content: `answer from ${request.body.model}`, refusal: null }, finish_reason: 'stop', logprobs: null }],
        usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
      },
    };
  });
  dir = await mkdtemp(join(tmpdir(), 'routellm-readme-'));
  await copyFile(CONFIG, join(dir, 'config.example.yaml'));
  env = {
    HF_ENDPOINT: hub.endpoint,
    HF_HOME: join(dir, 'hf-home'),
    OPENAI_API_KEY: 'sk-fake',
    OPENAI_BASE_URL: openai.baseURL,
    ANYSCALE_API_KEY: 'esecret-anyscale',
    ANYSCALE_API_BASE: openai.baseURL,
    ROUTELLM_CACHE_DIR: join(dir, 'win-rates'),
  };
});
afterAll(async () => {
  await hub.close();
  await openai.close();
  await rm(dir, { recursive: true, force: true });
});

const LONG = `Please prove in detail, step by step, a theorem about prime numbers and their distribution; ${'then generalise it. '.repeat(20)}`;

describe("RouteLLM's README commands with its config.example.yaml", () => {
  it('routellm serve --routers mf --weak-model anyscale/mistralai/Mixtral-8x7B-Instruct-v0.1 --config config.example.yaml', async () => {
    const serveArgs = ['--routers', 'mf', '--weak-model', 'anyscale/mistralai/Mixtral-8x7B-Instruct-v0.1', '--config', 'config.example.yaml', '--port', '0'];
    const serve = await startServeInProcess(serveArgs, { env, cwd: dir });
    try {
      const base = serve.listening[1]!;
      const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'unused' });
      // RouteLLM's published threshold spelling; the fake checkpoint's win rate is sigmoid(e[0] - e[1]).
      const hard = await client.chat.completions.create({ model: 'router-mf-0.5', messages: [{ role: 'user', content: LONG }] });
      expect(hard.model).toBe('gpt-4-1106-preview');
      const easy = await client.chat.completions.create({ model: 'router-mf-0.5', messages: [{ role: 'user', content: 'hi' }] });
      expect(easy.model).toBe('mistralai/Mixtral-8x7B-Instruct-v0.1');
      // Anyscale's endpoint (ANYSCALE_API_BASE here) was asked for the model without its provider prefix.
      expect(easy.choices[0]!.message.content).toBe('answer from mistralai/Mixtral-8x7B-Instruct-v0.1');
      expect(openai.requests.at(-1)!.headers.authorization).toBe('Bearer esecret-anyscale');
      const health = await (await fetch(`${base}/health`)).json();
      expect(health).toMatchObject({ status: expect.any(String) });
      // The checkpoint came from the hub into HF_HOME/hub, laid out as huggingface_hub lays it out.
      expect(hub.requests.some((r) => r.path === '/routellm/mf_gpt4_augmented/resolve/main/model.safetensors')).toBe(true);
    } finally {
      expect(await serve.stop()).toBe(0);
    }
    // A second start, offline, comes from the cache alone.
    hub.requests.length = 0;
    const offline = await startServeInProcess(serveArgs, { env: { ...env, HF_HUB_OFFLINE: '1' }, cwd: dir });
    expect(await offline.stop()).toBe(0);
    expect(hub.requests).toEqual([]);
  });

  it('routellm eval --routers random sw_ranking --benchmark gsm8k --config config.example.yaml', async () => {
    const result = await runCliInProcess(['eval', '--routers', 'random', 'sw_ranking', '--benchmark', 'gsm8k', '--config', 'config.example.yaml', '--no-plot', '--json'], { env, cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { benchmark: string; routers: Array<{ name: string; apgr: number }> };
    expect(report.benchmark).toBe('gsm8k');
    expect(report.routers.map((r) => r.name).sort()).toEqual(['random', 'sw_ranking']);
    for (const router of report.routers) expect(Number.isFinite(router.apgr)).toBe(true);
    // The four datasets came from the hub (the 55k through its parquet conversion).
    const paths = hub.requests.map((r) => r.path);
    for (const dataset of ['lmsys/lmsys-arena-human-preference-55k', 'routellm/gpt4_judge_battles', 'routellm/arena_battles_embeddings', 'routellm/gpt4_judge_battles_embeddings']) {
      expect(paths.some((p) => p.startsWith(`/datasets/${dataset}/resolve/`))).toBe(true);
    }
    // bert: and causal_llm: are RouteLLM's one file for all routers, used as RouteLLM documents it: no warning (QA finding K).
    expect(result.stderr).not.toMatch(/warning/);
  });

  it('routellm calibrate --task calibrate --routers mf --strong-model-pct 0.2 --config config.example.yaml', async () => {
    // RouteLLM's README command, --task included. With RouteLLM's own checkpoint, the win rates RouteLLM published for it, as its --task calibrate reads them.
    const result = await runCliInProcess(['calibrate', '--task', 'calibrate', '--routers', 'mf', '--strong-model-pct', '0.2', '--config', 'config.example.yaml'], { env, cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('For 20.0% strong model calls for mf, threshold = 0.8\n');
    expect(result.stderr).not.toMatch(/warning/);
    expect(hub.requests.some((r) => r.path.startsWith('/datasets/routellm/lmsys-arena-human-preference-55k-thresholds/resolve/'))).toBe(true);
  });

  it('serve and route cut router-mf-20% from the win rates RouteLLM published for its weights, as calibrate does; /v1/models lists only names it answers', async () => {
    // They refused every share ("the shipped calibration table was made for router mf with other weights") while calibrate printed 0.8.
    const serve = await startServeChild(['--routers', 'mf', '--weak-model', 'anyscale/mistralai/Mixtral-8x7B-Instruct-v0.1', '--config', 'config.example.yaml', '--port', '0'], { env, cwd: dir });
    try {
      expect(serve.stderr()).not.toMatch(/will be refused/);
      const answer = await fetch(`${serve.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'router-mf-20%', messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(answer.status, await answer.clone().text()).toBe(200);
      // The (1 - 0.2) quantile of the published 0.00, 0.01, ..., 1.00: where the share's window starts.
      expect(Number(answer.headers.get('x-routellm-threshold'))).toBeCloseTo(0.8, 12);
      const models = (await (await fetch(`${serve.url}/v1/models`)).json()) as { data: { id: string }[] };
      expect(models.data.map((model) => model.id)).toEqual(['router-mf-20%', 'router-mf-50%', 'router-mf-80%']);
      expect((await fetch(`${serve.url}/v1/models/router-mf-20%25`)).status).toBe(200);
    } finally {
      expect(await serve.stop()).toBe(0);
    }
    const route = await runCliChild(['route', '--router', 'mf', '--config', 'config.example.yaml', '--threshold', '20%', '--json', LONG], { env, cwd: dir });
    expect(route.code, route.stderr).toBe(0);
    expect(JSON.parse(route.stdout)).toMatchObject({ router: 'mf', model: 'gpt-4-1106-preview' });
    expect(JSON.parse(route.stdout).threshold).toBeCloseTo(0.8, 12);
  });
});
