import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { mmluSplitOf } from '../../src/eval/mmlu-split.js';
import { parseTrainedPrompts } from '../../src/eval/trained-prompts.js';
import { runCliInProcess } from '../helpers/run-cli-in-process.js';

// One CSV is both the training data of a router and the benchmark it is evaluated on, as MMLU
// is for the shipped routers: the first byte of sha1(prompt) decides train or held out.
const math = ['integral', 'derivative', 'eigenvalue', 'polynomial', 'theorem', 'matrix', 'prime', 'logarithm', 'equation', 'probability'];
const cooking = ['pasta', 'garlic', 'onion', 'butter', 'salad', 'soup', 'bread', 'cheese', 'tomato', 'chicken'];
const prompts: string[] = [];
const lines = ['prompt,big,small'];
for (let i = 0; i < math.length; i++) {
  for (let j = 0; j < math.length; j++) {
    if (i === j) continue;
    prompts.push(`Prove the ${math[i]} identity using the ${math[j]}`, `Suggest a recipe with ${cooking[i]} and ${cooking[j]}`);
    lines.push(`"${prompts.at(-2)}",True,False`, `"${prompts.at(-1)}",True,True`);
  }
}
const trainHalf = prompts.filter((prompt) => mmluSplitOf(prompt) === 'train');
const heldOut = prompts.length - trainHalf.length;

let dir: string;
const models = ['--strong-model', 'big', '--weak-model', 'small'];
const evalArgs = (...extra: string[]) => ['eval', '--benchmark', 'bench.csv', ...models, '--cache-dir', join(dir, 'cache'), ...extra];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'routellm-in-sample-'));
  await writeFile(join(dir, 'bench.csv'), `${lines.join('\n')}\n`);
  for (const [out, split] of [['half', 'sha1'], ['whole', 'none']] as const) {
    const trained = await runCliInProcess(['train', '--data', 'bench.csv', '--out', out, ...models, '--split', split, '--epochs', '1'], { cwd: dir });
    expect(trained.code, trained.stderr).toBe(0);
  }
  await writeFile(join(dir, 'half.yaml'), 'mf: {checkpoint_path: half}\nhybrid: {mf: {checkpoint_path: half}}\n');
  await writeFile(join(dir, 'whole.yaml'), 'mf: {checkpoint_path: whole}\n');
}, 60_000);

describe('honest eval: routers declare what they were trained on', () => {
  it('train declares the prompts of the training side of the split in the model card', async () => {
    const declared = parseTrainedPrompts(await readFile(join(dir, 'half', 'MODEL_CARD.md'), 'utf8'))!;
    expect(trainHalf.length).toBeGreaterThan(50);
    expect(prompts.filter((prompt) => declared.has(prompt))).toEqual(trainHalf);
    const whole = parseTrainedPrompts(await readFile(join(dir, 'whole', 'MODEL_CARD.md'), 'utf8'))!;
    expect(prompts.every((prompt) => whole.has(prompt))).toBe(true);
  });

  it('by default scores only the held-out prompts, and says so', async () => {
    const result = await runCliInProcess(evalArgs('--routers', 'random', 'mf', '--config', 'half.yaml', '--no-plot', '--json'), { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.n).toBe(heldOut);
    expect(report.routers.every((router: Record<string, unknown>) => !('in_sample' in router))).toBe(true);
    expect(result.stderr).toContain(`--split auto: ${heldOut} held-out prompts; the ${trainHalf.length} that trained mf (their model cards say so) are left out`);
    // The same held-out half the hash split gives.
    const half = JSON.parse((await runCliInProcess(evalArgs('--routers', 'mf', '--config', 'half.yaml', '--split', 'eval', '--no-plot', '--json'), { cwd: dir })).stdout);
    expect(half.routers[0].apgr).toBe(report.routers.find((router: { name: string }) => router.name === 'mf').apgr);
  });

  it('a router of trained parts (hybrid) is held to what its parts were trained on', async () => {
    const result = await runCliInProcess(evalArgs('--routers', 'hybrid', '--config', 'half.yaml', '--no-plot', '--json'), { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    // The shipped lexical expert learned from MMLU, not from these prompts: only the mf part's are left out.
    expect(JSON.parse(result.stdout).n).toBe(heldOut);
  });

  it('with --split all, marks the in-sample rows in the table, the JSON and the plot, and warns', async () => {
    const json = await runCliInProcess(evalArgs('--routers', 'random', 'mf', '--config', 'half.yaml', '--split', 'all', '--no-plot', '--json'), { cwd: dir });
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report.n).toBe(prompts.length);
    const byName = Object.fromEntries(report.routers.map((router: { name: string }) => [router.name, router]));
    expect(byName.mf.in_sample).toBe(trainHalf.length);
    expect('in_sample' in byName.random).toBe(false);
    expect(json.stderr).toContain(`routellm: warning: mf was trained on ${trainHalf.length} of the ${prompts.length} prompts scored: its row is a training-set score, marked in-sample`);
    const table = await runCliInProcess(evalArgs('--routers', 'mf', '--config', 'half.yaml', '--split', 'all', '--output', 'plots', '--chance-draws', '0'), { cwd: dir });
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain(`mf (in-sample: ${trainHalf.length} of ${prompts.length})`);
    expect(await readFile(join(dir, 'plots', 'bench.svg'), 'utf8')).toContain('mf (in-sample)');
  });

  it('a router trained on every prompt leaves nothing held out: one line saying so, exit 2', async () => {
    const result = await runCliInProcess(evalArgs('--routers', 'mf', '--config', 'whole.yaml', '--no-plot'), { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'routellm: every prompt of bench.csv trained mf (their model cards say so), so none is held out; --split all scores them anyway, with the rows marked in-sample\n',
    );
  });

  it('routers whose weights declare nothing (random) are scored on the whole benchmark, as the Python evaluator does', async () => {
    const result = await runCliInProcess(evalArgs('--routers', 'random', '--no-plot', '--json'), { cwd: dir });
    expect(JSON.parse(result.stdout).n).toBe(prompts.length);
    expect(result.stderr).not.toContain('--split auto');
  });
});
