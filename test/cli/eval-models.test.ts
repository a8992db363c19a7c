import { mkdtemp, rm, stat, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boundedRoutingText } from '../../src/core/index.js';
import { mmluSplitOf } from '../../src/eval/mmlu-split.js';
import { FIXTURE_MODELS, writeMultiModelCsv } from '../helpers/multi-model-csv.js';
import { runCliInProcess } from '../helpers/run-cli-in-process.js';

let dir: string;
let prompts: string[];
const models = ['--models', FIXTURE_MODELS.join(',')];
const evalArgs = (...extra: string[]) => ['eval', '--benchmark', 'ladder.csv', ...models, '--routers', 'knn', '--config', 'c.yaml', '--output', 'plots', ...extra];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'eval-models-'));
  ({ prompts } = await writeMultiModelCsv(dir));
  const trained = await runCliInProcess(['train', '--router', 'knn', '--data', 'ladder.csv', ...models, '--neighbours', '10', '--out', 'knn'], { cwd: dir });
  expect(trained.code, trained.stderr).toBe(0);
  await writeFile(join(dir, 'c.yaml'), 'knn: {checkpoint_path: knn}\n');
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('routellm eval --models: a router over a list of models', () => {
  it('scores the held-out prompts and reports every model, the zero router, the oracle, AIQ and the shuffled spread as JSON', async () => {
    const result = await runCliInProcess(evalArgs('--json', '--no-plot'), { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    const heldOut = prompts.filter((p) => mmluSplitOf(boundedRoutingText(p)) === 'eval').length;
    expect(result.stderr).toContain(`--split auto: ${heldOut} held-out prompts; the ${prompts.length - heldOut} that trained knn (their model cards say so) are left out`);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ benchmark: 'ladder', n: heldOut, scale: 100, reference: 'large' });
    expect(report.models.map((m: { model: string }) => m.model)).toEqual(['small', 'medium', 'large']);
    expect(report.models[2]).toMatchObject({ cost_pct: 100, on_zero_hull: true, cost_source: 'column' });
    const [knn] = report.routers;
    expect(knn.name).toBe('knn');
    // The topics decide which model is needed: reading them beats every mix of single models, and chance.
    expect(knn.aiq).toBeGreaterThan(report.zero.aiq + 5);
    expect(knn.aiq_vs_zero).toBeCloseTo(knn.aiq - report.zero.aiq, 9);
    expect(knn.aiq).toBeLessThanOrEqual(report.oracle.aiq + 1e-9);
    expect(knn.shuffled.draws).toBeGreaterThanOrEqual(100);
    expect(knn.p_shuffled).toBeLessThan(0.05);
    expect(Object.keys(knn.score_at)).toEqual(['10', '20', '30', '50']);
    expect(knn.in_sample).toBeUndefined();
    for (const point of knn.points) expect(Object.values(point.calls as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(heldOut);
    expect(knn.points.at(-1)).toMatchObject({ knob: null, share_pct: 0, calls: { small: heldOut, medium: 0, large: 0 } });
  });

  it('marks the training prompts in-sample with --split all, and scores the eval half with --split eval', async () => {
    const all = await runCliInProcess(evalArgs('--json', '--no-plot', '--split', 'all', '--chance-draws', '0'), { cwd: dir });
    expect(all.code, all.stderr).toBe(0);
    const trainHalf = prompts.filter((p) => mmluSplitOf(boundedRoutingText(p)) === 'train').length;
    expect(JSON.parse(all.stdout).routers[0].in_sample).toBe(trainHalf);
    expect(all.stderr).toContain(`knn was trained on ${trainHalf} of the ${prompts.length} prompts scored`);
    expect(JSON.parse(all.stdout).routers[0].shuffled).toBeUndefined();
    const half = await runCliInProcess(evalArgs('--json', '--no-plot', '--split', 'eval', '--chance-draws', '0'), { cwd: dir });
    expect(JSON.parse(half.stdout).n).toBe(prompts.length - trainHalf);
  });

  it('prints tables that fit 80 columns (narrower by leaving columns out, said under them) and draws the plot', async () => {
    const result = await runCliInProcess(evalArgs('--chance-draws', '50'), { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.split('\n').filter((line) => line.length > 80)).toEqual([]);
    expect(result.stdout).toMatch(/│ zero router +│/);
    expect(result.stdout).toMatch(/│ oracle +│/);
    expect(result.stdout.replace(/\s+/g, ' ')).toMatch(/Oracle: every prompt to its cheapest right model \(at best 100\.0% for [\d.]+% of the bill\)/);
    expect(result.stdout).toContain('large *');
    expect(result.stdout).not.toContain('\u001b[');
    for (const file of ['ladder.svg', 'ladder.png']) expect((await stat(join(dir, 'plots', file))).size).toBeGreaterThan(1000);
    expect(await readFile(join(dir, 'plots', 'ladder.svg'), 'utf8')).toContain('zero router (hull of the models)');
    const narrow = await runCliInProcess(evalArgs('--no-plot', '--chance-draws', '0'), { cwd: dir, env: { COLUMNS: '50' } });
    expect(narrow.stdout.split('\n').filter((line) => line.length > 50)).toEqual([]);
    expect(narrow.stdout).toMatch(/left out to fit 50 columns/);
  });

  it('says a benchmark file is empty or has no rows (QA-6 X: it said "has scores of two models only")', async () => {
    await writeFile(join(dir, 'empty.txt'), '');
    await writeFile(join(dir, 'header.csv'), 'prompt,small,large\n');
    const empty = await runCliInProcess(['eval', '--benchmark', 'empty.txt', '--models', 'a,b'], { cwd: dir });
    expect([empty.code, empty.stderr]).toEqual([2, `routellm: ${join(dir, 'empty.txt')} is empty: expected a CSV file with a header line\n`]);
    const header = await runCliInProcess(['eval', '--benchmark', 'header.csv', '--models', 'small,large', '--no-plot'], { cwd: dir });
    expect([header.code, header.stderr]).toEqual([2, `routellm: ${join(dir, 'header.csv')} has a header line and no rows: nothing to evaluate\n`]);
  });

  it('refuses what does not apply or does not fit, in one line with exit 2', async () => {
    await writeMultiModelCsv(dir, 'wider.csv', { extraModel: 'huge' });
    const cases: [string[], RegExp][] = [
      [evalArgs('--strong-model', 'large'), /--strong-model does not apply with --models/],
      [evalArgs('--cache-dir', 'x'), /--cache-dir does not apply with --models/],
      [['eval', '--benchmark', 'mmlu', ...models], /--models reads a CSV in RouterBench's layout/],
      [['eval', '--benchmark', 'ladder.csv', ...models, '--routers', 'difficulty'], /"difficulty" is not a router over a list of models; those are: knn, mf/],
      [['eval', '--benchmark', 'ladder.csv', '--models', 'small,nope'], /no score column for "nope"/],
      [['eval', '--benchmark', 'wider.csv', '--models', 'small,huge', '--routers', 'knn', '--config', 'c.yaml', '--no-plot'], /router "knn" does not score huge \(--models\); it scores small, medium, large/],
      // The shipped router scores RouterBench's models, not these.
      [['eval', '--benchmark', 'ladder.csv', ...models, '--no-plot'], /router "knn" does not score small, medium, large \(--models\); it scores mistralai\/mistral-7b-chat/],
    ];
    for (const [args, message] of cases) {
      const result = await runCliInProcess(args, { cwd: dir });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split('\n').filter((line) => line.startsWith('routellm:'))).toHaveLength(1);
    }
  });
});
