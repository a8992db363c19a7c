import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { chooseModel } from '../../../src/core/model-list/choose-model.js';
import { DEFAULT_MODEL_SCORER, modelScorerFactory } from '../../../src/routers/multi/model-scorers.js';
import { nodeRouterContext } from '../../../src/runtime/node-router-context.js';
import { sharedDatasetsWith } from '../../eval/helpers/shared-data.js';
import { runCliInProcess } from '../../helpers/run-cli-in-process.js';

const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** RouterBench's 11 models, cheapest to strongest, as `npm run train:routerbench` lists them. */
const ROUTERBENCH_MODELS = [
  'mistralai/mistral-7b-chat',
  'WizardLM/WizardLM-13B-V1.2',
  'mistralai/mixtral-8x7b-chat',
  'meta/code-llama-instruct-34b-chat',
  'zero-one-ai/Yi-34B-Chat',
  'claude-instant-v1',
  'meta/llama-2-70b-chat',
  'gpt-3.5-turbo-1106',
  'claude-v1',
  'claude-v2',
  'gpt-4-1106-preview',
];
const question = 'Which of these is a renewable source of energy?\nA) coal\nB) wind\nC) natural gas\nD) oil\nAnswer:';
const code = 'Write a function to find the longest common subsequence of two strings.';

describe('the shipped routers for RouterBench\'s 11 models', () => {
  it('knn is the default of eval --models; knn and mf load offline with no options and score every model, the same every time', async () => {
    expect(DEFAULT_MODEL_SCORER).toBe('knn');
    const context = nodeRouterContext({ env: {} });
    for (const name of ['knn', 'mf']) {
      const factory = await modelScorerFactory(name);
      const [first, second] = [await factory.create({}, context), await factory.create({}, context)];
      expect(first.models).toEqual(ROUTERBENCH_MODELS);
      expect(first.meanCostUsd).toHaveLength(11);
      expect(second.fingerprint).toBe(first.fingerprint);
      for (const prompt of [question, code]) {
        const scores = await first.scores(prompt);
        expect(scores).toHaveLength(11);
        for (const s of scores) expect(s).toBeGreaterThanOrEqual(0);
        for (const s of scores) expect(s).toBeLessThanOrEqual(1);
        expect([...(await second.scores(prompt))]).toEqual([...scores]);
      }
      // It has learned the tasks apart: a coding prompt is scored unlike a multiple-choice question.
      expect([...(await first.scores(code))]).not.toEqual([...(await first.scores(question))]);
      // The rule on its scores: the knob's ends are the best predicted model and the cheapest.
      expect(chooseModel(await first.scores(code), first.meanCostUsd!, 10, Number.POSITIVE_INFINITY)).toBe(0);
    }
  });
});

// The shipped weights must be what `npm run train:routerbench` produces from the shared data.
const sharedRouterbench = () => sharedDatasetsWith(join('routerbench', 'mbpp_train.csv'));

describe.skipIf(!sharedRouterbench())('npm run train:routerbench', () => {
  it('reproduces datasets/routerbench-knn and datasets/routerbench-mf byte for byte', { timeout: 120_000 }, async () => {
    const data = sharedRouterbench()!;
    const pkg = JSON.parse(await readFile(join(PACKAGE_ROOT, 'package.json'), 'utf8'));
    const commands = (pkg.scripts['train:routerbench'] as string).split(' && ').filter((c) => c.startsWith('node bin/routellm.js train '));
    expect(commands.map((c) => c.match(/--router (\S+)/)?.[1])).toEqual(['knn', 'mf']);
    const out = await mkdtemp(join(tmpdir(), 'train-routerbench-'));
    try {
      for (const command of commands) {
        const args = command.replace(/^node bin\/routellm\.js /, '').replaceAll('../shared/datasets', data).split(' ');
        expect(args[args.indexOf('--models') + 1]).toBe(ROUTERBENCH_MODELS.join(','));
        const shippedDir = args[args.indexOf('--out') + 1]!;
        const freshDir = join(out, shippedDir);
        args[args.indexOf('--out') + 1] = freshDir;
        const result = await runCliInProcess(args, { env: {} });
        expect(result.code, result.stderr).toBe(0);
        for (const file of ['model.safetensors', 'config.json']) {
          const [fresh, shipped] = await Promise.all([readFile(join(freshDir, file)), readFile(join(PACKAGE_ROOT, shippedDir, file))]);
          expect(Buffer.compare(fresh, shipped), `${shippedDir}/${file}`).toBe(0);
        }
      }
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it('eval --models with no --routers evaluates the shipped knn on the held-out half', { timeout: 60_000 }, async () => {
    const data = sharedRouterbench()!;
    const result = await runCliInProcess(
      ['eval', '--benchmark', join(data, 'routerbench', 'mbpp_train.csv'), '--models', ROUTERBENCH_MODELS.join(','), '--json', '--no-plot', '--chance-draws', '0'],
      { env: {} },
    );
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.routers.map((r: { name: string }) => r.name)).toEqual(['knn']);
    expect(report.n).toBe(138);
    expect(report.routers[0].in_sample).toBeUndefined();
    expect(result.stderr).toContain('--split auto: 138 held-out prompts; the 161 that trained knn');
  });
});
