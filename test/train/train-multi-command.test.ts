import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boundedRoutingText } from '../../src/core/index.js';
import { mmluSplitOf } from '../../src/eval/mmlu-split.js';
import { decodeMfCheckpoint } from '../../src/routers/mf/mf-checkpoint.js';
import { knnScorerFactory } from '../../src/routers/multi/knn-scorer.js';
import { mfScorerFactory } from '../../src/routers/multi/mf-scorer.js';
import { parseTrainedPrompts } from '../../src/eval/trained-prompts.js';
import { nodeRouterContext } from '../../src/runtime/node-router-context.js';
import { FIXTURE_MODELS, writeMultiModelCsv } from '../helpers/multi-model-csv.js';
import { runCliInProcess } from '../helpers/run-cli-in-process.js';

let dir: string;
let prompts: string[];
const models = ['--models', FIXTURE_MODELS.join(',')];
const context = () => nodeRouterContext({ env: {}, cwd: dir, fetch: globalThis.fetch });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'train-multi-'));
  ({ prompts } = await writeMultiModelCsv(dir));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('routellm train: routers over a list of models', () => {
  it('knn: writes weights, config and a card declaring its training half; its scores follow the planted topics', async () => {
    const result = await runCliInProcess(['train', '--router', 'knn', '--data', 'ladder.csv', ...models, '--neighbours', '10', '--out', 'knn'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/held out ladder\.csv \(\d+ prompts\): AIQ [\d.]+, zero router [\d.]+, oracle [\d.]+; its scores shuffled across prompts [\d.]+ ± [\d.]+ \(p [\d.]+\)/);
    const [aiq, zero] = /AIQ ([\d.]+), zero router ([\d.]+)/.exec(result.stdout)!.slice(1).map(Number);
    expect(aiq).toBeGreaterThan(zero! + 5);
    const config = JSON.parse(await readFile(join(dir, 'knn', 'config.json'), 'utf8'));
    expect(config).toMatchObject({ router: 'knn', neighbours: 10, prior_weight: 2, model_names: ['small', 'medium', 'large'] });
    expect(config.mean_cost_usd[2]).toBeGreaterThan(config.mean_cost_usd[0] * 50);
    const card = await readFile(join(dir, 'knn', 'MODEL_CARD.md'), 'utf8');
    expect(card).toContain('routellm train --router knn --data ladder.csv --models small,medium,large --split sha1 --neighbours 10 --out knn');
    const declared = parseTrainedPrompts(card)!;
    expect(prompts.filter((p) => declared.has(boundedRoutingText(p)))).toEqual(prompts.filter((p) => mmluSplitOf(p) === 'train'));
    const scorer = await knnScorerFactory.create({ checkpoint_path: join(dir, 'knn') }, context());
    expect(scorer.models).toEqual(['small', 'medium', 'large']);
    const proof = await scorer.scores('Prove the lemma statement using the topology');
    const recipe = await scorer.scores('Suggest a recipe with garlic and lemon for dinner');
    expect(proof[0]).toBeLessThan(0.3);
    expect(proof[2]).toBeGreaterThan(0.8);
    expect(recipe[0]).toBeGreaterThan(0.8);
    // Trained again, byte for byte the same files.
    const again = await runCliInProcess(['train', '--router', 'knn', '--data', 'ladder.csv', ...models, '--neighbours', '10', '--out', 'knn2'], { cwd: dir });
    expect(again.code).toBe(0);
    for (const file of ['model.safetensors', 'config.json']) expect(await readFile(join(dir, 'knn2', file))).toEqual(await readFile(join(dir, 'knn', file)));
  });

  it('mf --target success: one bias per model beside the embeddings, scoring every model', async () => {
    const result = await runCliInProcess(['train', '--router', 'mf', '--target', 'success', '--data', 'ladder.csv', ...models, '--epochs', '30', '--out', 'mf'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('epoch 30/30');
    const [aiq, zero] = /AIQ ([\d.]+), zero router ([\d.]+)/.exec(result.stdout)!.slice(1).map(Number);
    expect(aiq).toBeGreaterThan(zero! + 5);
    const weights = await readFile(join(dir, 'mf', 'model.safetensors'));
    const config = await readFile(join(dir, 'mf', 'config.json'));
    const checkpoint = decodeMfCheckpoint(weights, config, { weights: 'w', config: 'c' });
    expect(checkpoint.config).toMatchObject({ target: 'success', model_names: ['small', 'medium', 'large'] });
    expect(checkpoint.model.bias?.length).toBe(3);
    const scorer = await mfScorerFactory.create({ checkpoint_path: join(dir, 'mf') }, context());
    const proof = await scorer.scores('Prove the lemma statement using the topology');
    expect(proof[2]! - proof[0]!).toBeGreaterThan(0.5);
    // A battle-trained mf is not a router over a list.
    const pair = await runCliInProcess(['train', '--data', 'ladder.csv', '--strong-model', 'large', '--weak-model', 'small', '--epochs', '1', '--out', 'pair'], { cwd: dir });
    expect(pair.code, pair.stderr).toBe(0);
    await expect(mfScorerFactory.create({ checkpoint_path: join(dir, 'pair') }, context())).rejects.toThrow(/trained on battles between pairs.*--target success/);
  });

  it('refuses flags that do not apply, before reading data, in one line', async () => {
    const cases: [string[], RegExp][] = [
      [['--router', 'knn', ...models, '--strong-model', 'large'], /--strong-model does not apply to --router knn: it routes the --models list/],
      [['--router', 'knn', ...models, '--alias', 'a=b'], /--alias does not apply to --router knn/],
      [['--router', 'knn', ...models, '--ties', 'weak'], /--ties does not apply to --router knn/],
      [['--router', 'knn', ...models, '--embedder', 'local'], /--embedder does not apply to --router knn/],
      [['--router', 'knn', ...models, '--epochs', '3'], /--epochs applies to --router mf only: knn keeps its training prompts/],
      [['--router', 'knn', ...models, '--split', 'random'], /--split random does not apply to --router knn/],
      [['--router', 'knn'], /--router knn routes a list of models: name them, cheapest to strongest, with --models/],
      [['--router', 'knn', ...models, '--target', 'success'], /--target applies to --router mf only/],
      [['--router', 'mf', '--target', 'success'], /--router mf --target success routes a list of models/],
      [['--router', 'mf', ...models, '--neighbours', '5'], /--neighbours applies to --router knn only/],
      [['--router', 'knn', ...models, '--neighbours', '0'], /--neighbours must be a positive integer/],
    ];
    for (const [flags, message] of cases) {
      const result = await runCliInProcess(['train', '--data', 'missing.csv', '--out', 'x', ...flags], { cwd: dir });
      expect(result.code, flags.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
