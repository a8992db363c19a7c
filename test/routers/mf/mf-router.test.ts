import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/core/index.js';
import { ARENA_MODEL_IDS } from '../../../src/routers/mf/arena-model-ids.js';
import { mfRouterFactory } from '../../../src/routers/mf/mf-router.js';
import { nodeRouterContext } from '../../../src/runtime/node-router-context.js';
import { startJsonHandlerServer, type JsonHandlerServer } from '../../helpers/json-handler-server.js';
import { safetensorsBytes, writeMfCheckpoint } from './write-mf-files.js';

let dir: string;
let server: JsonHandlerServer;

// A RouteLLM-format checkpoint: 64 arena models, d = 2, text_dim = 4. gpt-4-1106-preview (row 24)
// has P = [1, 0], mixtral-8x7b-instruct-v0.1 (row 36) [0, 1]; the projection keeps the first two
// embedding dimensions; classifier [1, 1]. For the embedding [2, 1, 0, 0]: scores 2 and 1, so the
// win rate is sigmoid(1) = 0.7310585786300049.
const P = ARENA_MODEL_IDS.flatMap((_, i) => (i === 24 ? [1, 0] : i === 36 ? [0, 1] : [1, 1]));
const pythonTensors = {
  'P.weight': { shape: [64, 2], data: P },
  'text_proj.0.weight': { shape: [2, 4], data: [1, 0, 0, 0, 0, 1, 0, 0] },
  'classifier.0.weight': { shape: [1, 2], data: [1, 1] },
};
const pythonConfig = { dim: 2, num_models: 64, text_dim: 4, num_classes: 1, use_proj: true };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mf-router-'));
  server = await startJsonHandlerServer((request) => ({
    body: {
      object: 'list',
      model: request.body.model,
      data: (request.body.input as string[]).map((_, index) => ({ object: 'embedding', index, embedding: [2, 1, 0, 0] })),
      usage: { prompt_tokens: 1, total_tokens: 1 },
    },
  }));
  await writeMfCheckpoint(join(dir, 'python'), pythonTensors, pythonConfig);
});

afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const context = () => nodeRouterContext({ env: {}, cwd: dir });
const openai = () => ({ type: 'openai', base_url: server.baseURL, model: 'text-embedding-3-small', dim: 4 });

describe('mf router on RouteLLM checkpoint files', () => {
  it('loads model.safetensors + config.json, embeds through OpenAI and gives sigmoid(score difference)', async () => {
    const router = await mfRouterFactory.create({ checkpoint_path: 'python', embedder: openai() }, context());
    expect(await router.strongWinRate('Prove Fermat')).toBeCloseTo(0.7310585786300049, 6);
    const last = server.requests.at(-1)!;
    expect(last.path).toBe('/v1/embeddings');
    expect(last.body.model).toBe('text-embedding-3-small');
    expect(last.body.input).toEqual(['Prove Fermat']);
  });

  it('routes any pair of the 64 arena models by name', async () => {
    const router = await mfRouterFactory.create(
      { checkpoint_path: 'python/model.safetensors', embedder: openai(), strong_model: 'mixtral-8x7b-instruct-v0.1', weak_model: 'gpt-4-1106-preview' },
      context(),
    );
    expect(await router.strongWinRate('x')).toBeCloseTo(1 - 0.7310585786300049, 6);
  });

  it('names an unknown model and what the weights know', async () => {
    await expect(mfRouterFactory.create({ checkpoint_path: 'python', embedder: openai(), strong_model: 'gpt-5' }, context())).rejects.toThrow(
      /unknown model "gpt-5"; the weights know RWKV-4-Raven-14B, alpaca-13b/,
    );
  });

  it('rejects a truncated weight file with a ConfigError naming it', async () => {
    await writeMfCheckpoint(join(dir, 'truncated'), pythonTensors, pythonConfig);
    await writeFile(join(dir, 'truncated', 'model.safetensors'), safetensorsBytes(pythonTensors).subarray(0, 40));
    const error = await Promise.resolve(mfRouterFactory.create({ checkpoint_path: 'truncated', embedder: openai() }, context())).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(join('truncated', 'model.safetensors'));
  });

  it('rejects tensors whose shapes disagree with config.json', async () => {
    await writeMfCheckpoint(join(dir, 'wrong-dim'), pythonTensors, { ...pythonConfig, dim: 3 });
    await expect(mfRouterFactory.create({ checkpoint_path: 'wrong-dim', embedder: openai() }, context())).rejects.toThrow(
      /tensor "P.weight" has shape \[64, 2\] but .*config.json implies \[64, 3\]/,
    );
  });

  it('rejects a missing tensor, listing the ones present', async () => {
    const { 'classifier.0.weight': _dropped, ...rest } = pythonTensors;
    await writeMfCheckpoint(join(dir, 'missing'), rest, pythonConfig);
    await expect(mfRouterFactory.create({ checkpoint_path: 'missing', embedder: openai() }, context())).rejects.toThrow(
      /missing tensor "classifier.0.weight" \(has: P.weight, text_proj.0.weight\)/,
    );
  });

  it('needs model_names when the checkpoint is not the 64-model arena layout', async () => {
    await writeMfCheckpoint(
      join(dir, 'three'),
      { 'P.weight': { shape: [3, 2], data: [1, 0, 0, 1, 1, 1] }, 'text_proj.0.weight': pythonTensors['text_proj.0.weight'], 'classifier.0.weight': pythonTensors['classifier.0.weight'] },
      { dim: 2, num_models: 3, text_dim: 4 },
    );
    await expect(mfRouterFactory.create({ checkpoint_path: 'three', embedder: openai() }, context())).rejects.toThrow(/no "model_names"/);
  });

  it('rejects an embedder whose dimension differs from text_dim, as a ConfigError', async () => {
    const error = await Promise.resolve(mfRouterFactory.create({ checkpoint_path: 'python', embedder: { ...openai(), dim: 8 } }, context())).catch(
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/take 4-d prompt embeddings .* gives 8-d/);
  });

  it('explains a missing checkpoint and unknown options', async () => {
    await expect(mfRouterFactory.create({ checkpoint_path: 'nowhere' }, context())).rejects.toThrow(/cannot read .*nowhere.*ENOENT/);
    await expect(mfRouterFactory.create({ checkpont_path: 'python' }, context())).rejects.toThrow(/unknown option "checkpont_path"/);
  });
});
