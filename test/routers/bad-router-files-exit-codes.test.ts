import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARENA_MODEL_IDS } from '../../src/routers/mf/arena-model-ids.js';
import { datasetsDir } from '../../src/runtime/package-paths.js';
import { runCliInProcess } from '../helpers/run-cli-in-process.js';
import { safetensorsBytes, writeMfCheckpoint } from './mf/write-mf-files.js';

// Everything wrong with a router's files or with the options that point at them is the user's to
// fix: exit 2 with one line, like a missing file. Exit 1 is for failures of the run itself.
let dir: string;

const P = ARENA_MODEL_IDS.flatMap((_, i) => (i === 24 ? [1, 0] : i === 36 ? [0, 1] : [1, 1]));
const tensors = {
  'P.weight': { shape: [64, 2], data: P },
  'text_proj.0.weight': { shape: [2, 4], data: [1, 0, 0, 0, 0, 1, 0, 0] },
  'classifier.0.weight': { shape: [1, 2], data: [1, 1] },
};
const pythonConfig = { dim: 2, num_models: 64, text_dim: 4, num_classes: 1, use_proj: true };
// Never called: every case fails while the router is built.
const embedder = (dim = 4) => `{type: openai, base_url: "http://127.0.0.1:9/v1", model: text-embedding-3-small, dim: ${dim}}`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bad-router-files-'));
  await writeMfCheckpoint(join(dir, 'good'), tensors, pythonConfig);
  await writeMfCheckpoint(join(dir, 'truncated'), tensors, pythonConfig);
  await writeFile(join(dir, 'truncated', 'model.safetensors'), safetensorsBytes(tensors).subarray(0, 40));
  await writeMfCheckpoint(join(dir, 'wrong-shape'), tensors, { ...pythonConfig, dim: 3 });
  await writeMfCheckpoint(join(dir, 'bad-json'), tensors, pythonConfig);
  await writeFile(join(dir, 'bad-json', 'config.json'), '{"dim": 2,');
  await writeMfCheckpoint(join(dir, 'no-names'), tensors, { ...pythonConfig, num_models: 3 });
  await writeMfCheckpoint(join(dir, 'no-config'), tensors, pythonConfig);
  await rm(join(dir, 'no-config', 'config.json'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function route(router: string, config: string, env: Record<string, string> = {}) {
  const file = join(dir, `${router}.yaml`);
  await writeFile(file, config);
  return runCliInProcess(['route', '--config', file, '--router', router, 'x'], { env, cwd: tmpdir() });
}

describe('a bad mf checkpoint is a configuration error (exit 2)', () => {
  it.each([
    ['missing config.json', `mf: {checkpoint_path: no-config, embedder: ${embedder()}}`, /cannot read .*no-config\/config\.json \(ENOENT\)/],
    ['an unknown model name', `mf: {checkpoint_path: good, embedder: ${embedder()}, strong_model: gpt-5}`, /unknown model "gpt-5"; the weights know RWKV-4-Raven-14B/],
    ['strong == weak', `mf: {checkpoint_path: good, embedder: ${embedder()}, strong_model: alpaca-13b, weak_model: alpaca-13b}`, /strong and weak model are both "alpaca-13b"/],
    ['a truncated safetensors file', `mf: {checkpoint_path: truncated, embedder: ${embedder()}}`, /truncated\/model\.safetensors/],
    ['a config/tensor shape mismatch', `mf: {checkpoint_path: wrong-shape, embedder: ${embedder()}}`, /tensor "P.weight" has shape \[64, 2\] but .*config\.json implies \[64, 3\]/],
    ['an invalid config.json', `mf: {checkpoint_path: bad-json, embedder: ${embedder()}}`, /bad-json\/config\.json: not valid JSON/],
    ['num_models without model_names', `mf: {checkpoint_path: no-names, embedder: ${embedder()}}`, /num_models 3 but no "model_names"/],
    [
      'an embedder of the wrong size, named in the config',
      `mf: {checkpoint_path: good, embedder: ${embedder(8)}}`,
      /the weights take 4-d prompt embeddings and their config\.json names no embedder, but mf\.embedder openai:text-embedding-3-small:8 gives 8-d; set mf\.embedder to one that gives 4-d, or add "embedder" to config\.json$/,
    ],
  ])('%s', async (_, config, message) => {
    const result = await route('mf', `${config}\n`);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr.trim()).toMatch(message);
    expect(result.code).toBe(2);
  });

  it('names the default embedder as the default, not as what the weights expect', async () => {
    const result = await route('mf', 'mf: {checkpoint_path: good}\n', { OPENAI_API_KEY: 'sk-test' });
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toMatch(
      /good\/model\.safetensors: the weights take 4-d prompt embeddings and their config\.json names no embedder, but openai:text-embedding-3-small:1536 \(RouteLLM's, the default\) gives 1536-d; /,
    );
  });

  it('names the embedder the weights were trained with when config.json records it', async () => {
    await writeMfCheckpoint(join(dir, 'recorded'), tensors, { ...pythonConfig, embedder: 'openai:text-embedding-3-small:4' });
    const result = await route('mf', `mf: {checkpoint_path: recorded, embedder: ${embedder(8)}}\n`);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toMatch(
      /the weights were trained with embedder openai:text-embedding-3-small:4 \(4-d\), but mf\.embedder openai:text-embedding-3-small:8 gives 8-d; set mf\.embedder to openai:text-embedding-3-small:4, or remove it$/,
    );
  });
});

describe('bad lexical and sw_ranking files are configuration errors (exit 2)', () => {
  beforeAll(async () => {
    for (const name of ['lx-shape', 'lx-truncated', 'lx-json']) {
      await mkdir(join(dir, name));
      for (const file of ['model.safetensors', 'config.json']) await copyFile(join(datasetsDir(), 'lexical', file), join(dir, name, file));
    }
    const config = JSON.parse(await readFile(join(dir, 'lx-shape', 'config.json'), 'utf8'));
    await writeFile(join(dir, 'lx-shape', 'config.json'), JSON.stringify({ ...config, buckets: 2048 }));
    await writeFile(join(dir, 'lx-truncated', 'model.safetensors'), (await readFile(join(dir, 'lx-truncated', 'model.safetensors'))).subarray(0, 100));
    await writeFile(join(dir, 'lx-json', 'config.json'), '[');

    const rows = ['prompt,strong-model,weak-model', ...Array.from({ length: 12 }, (_, i) => `"Question number ${i}",${i % 2 === 0 ? 'True' : 'False'},False`)];
    await writeFile(join(dir, 'scores.csv'), `${rows.join('\n')}\n`);
    const trained = await runCliInProcess(['train', '--router', 'sw_ranking', '--data', 'scores.csv', '--out', 'sw', '--split', 'none', '--strong-model', 'strong-model', '--weak-model', 'weak-model'], { cwd: dir });
    expect(trained.code, trained.stderr).toBe(0);
    await mkdir(join(dir, 'sw-bad-line'));
    await copyFile(join(dir, 'sw', 'embeddings.safetensors'), join(dir, 'sw-bad-line', 'embeddings.safetensors'));
    await writeFile(join(dir, 'sw-bad-line', 'battles.jsonl'), '{"model_a":"strong-model","model_b":"weak-model","winner":"draw"}\n');
  });

  it.each([
    ['lexical', 'lexical: {checkpoint_path: lx-shape}', /tensor "weights" has shape \[65536\] but .* says 2048 buckets/],
    ['lexical', 'lexical: {checkpoint_path: lx-truncated}', /lx-truncated\/model\.safetensors/],
    ['lexical', 'lexical: {checkpoint_path: lx-json}', /lx-json\/config\.json: not valid JSON/],
    ['sw_ranking', 'sw_ranking: {data_dir: sw-bad-line}', /sw-bad-line\/battles\.jsonl:1: winner must be one of/],
    ['sw_ranking', 'sw_ranking: {data_dir: sw, strong_model: gpt-5}', /strong model "gpt-5" is not in the battles; models: strong-model, weak-model/],
    ['sw_ranking', 'sw_ranking: {data_dir: sw, tiers: {strong-model: 0}}', /the tier mapping has no tier for model "weak-model"/],
    ['sw_ranking', `sw_ranking: {data_dir: sw, embedder: ${embedder()}}`, /was embedded with "use-static:v1" but the configured embedder is "openai:text-embedding-3-small:4"/],
  ])('%s: %s', async (router, config, message) => {
    const result = await route(router, `${config}\n`);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr.trim()).toMatch(message);
    expect(result.code).toBe(2);
  });
});
