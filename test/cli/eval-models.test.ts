import { mkdtemp, rm, stat, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boundedRoutingText } from '../../src/core/index.js';
import { mmluSplitOf } from '../../src/eval/mmlu-split.js';
import { FIXTURE_MODELS, writeMultiModelCsv } from '../helpers/multi-model-csv.js';
import { runCliChild } from '../helpers/run-cli-child.js';
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

  it("with --config holding a models: list and no --models, evaluates the list: its scored_as columns at its entries' prices (QA-6 Q)", async () => {
    // Served names stand in for the CSV's columns; each entry's price is what it is served at.
    await writeFile(
      join(dir, 'list.yaml'),
      `knn: {checkpoint_path: knn}
models:
  - {name: cheap, base_url: "http://127.0.0.1:9/v1", scored_as: small, price: {input: 1, output: 1}}
  - {name: mid, base_url: "http://127.0.0.1:9/v1", scored_as: medium, price: {input: 2, output: 2}}
  - {name: top, base_url: "http://127.0.0.1:9/v1", scored_as: large, price: {input: 40, output: 40}}
`,
    );
    const result = await runCliChild(['eval', '--benchmark', 'ladder.csv', '--config', 'list.yaml', '--json', '--no-plot', '--chance-draws', '0'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain("list.yaml's models: list: cheap is scored as small, mid is scored as medium, top is scored as large");
    expect(result.stderr).toContain("costs of small, medium, large estimated from the prices of list.yaml's models: list");
    const report = JSON.parse(result.stdout);
    expect(report.models.map((m: { model: string }) => m.model)).toEqual(['small', 'medium', 'large']);
    // No answer column: input tokens only, so the bills stand as the prices do (1 : 2 : 40), not as the cost columns (1 : 10 : 100).
    const [small, medium, large] = report.models as { cost_usd: number; cost_source: string }[];
    expect(report.models.map((m: { cost_source: string }) => m.cost_source)).toEqual(['prices', 'prices', 'prices']);
    expect(medium!.cost_usd / small!.cost_usd).toBeCloseTo(2, 9);
    expect(large!.cost_usd / small!.cost_usd).toBeCloseTo(40, 9);
    expect(report.routers[0].name).toBe('knn');

    // --models resolves the list's names; names it does not hold are columns, as without a list.
    const two = await runCliChild(['eval', '--benchmark', 'ladder.csv', '--config', 'list.yaml', '--models', 'cheap,large', '--json', '--no-plot', '--chance-draws', '0'], { cwd: dir });
    expect(two.code, two.stderr).toBe(0);
    const pair = JSON.parse(two.stdout);
    expect(pair.models.map((m: { model: string; cost_source: string }) => [m.model, m.cost_source])).toEqual([['small', 'prices'], ['large', 'column']]);

    // A scored_as naming no column says which entry and how to fix it; two entries on one column are refused.
    await writeFile(join(dir, 'bad-list.yaml'), 'models:\n  - {name: cheap, base_url: "http://127.0.0.1:9/v1", price: {input: 1, output: 1}}\n  - {name: top, base_url: "http://127.0.0.1:9/v1", scored_as: large, price: {input: 4, output: 4}}\n');
    const bad = await runCliChild(['eval', '--benchmark', 'ladder.csv', '--config', 'bad-list.yaml', '--no-plot'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/ladder\.csv: no score column for "cheap" \(eval runs over the models: list of bad-list\.yaml: "cheap"; say which column each entry is scored as with scored_as:\); the model columns are: small, medium, large\n$/);
    await writeFile(join(dir, 'twice.yaml'), 'models:\n  - {name: a, base_url: "http://127.0.0.1:9/v1", scored_as: small, price: {input: 1, output: 1}}\n  - {name: b, base_url: "http://127.0.0.1:9/v1", scored_as: small, price: {input: 4, output: 4}}\n');
    const twice = await runCliChild(['eval', '--benchmark', 'ladder.csv', '--config', 'twice.yaml', '--no-plot'], { cwd: dir });
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('"a" and "b" are both scored as "small" in twice.yaml\'s models: list');

    // The pair named with --strong-model/--weak-model is evaluated, and a line says the list is not.
    const named = await runCliChild(
      ['eval', '--benchmark', 'ladder.csv', '--config', 'list.yaml', '--strong-model', 'large', '--weak-model', 'small', '--routers', 'random', '--random-iters', '1', '--chance-draws', '0', '--json', '--no-plot'],
      { cwd: dir },
    );
    expect(named.code, named.stderr).toBe(0);
    expect(named.stderr).toContain("routellm: warning: --strong-model/--weak-model given: list.yaml's models: list (3 models) is not evaluated");
    expect(JSON.parse(named.stdout)).toMatchObject({ strong: { model: 'large' }, weak: { model: 'small' } });
    // A benchmark with two models' scores evaluates the default pair, and says the list is not evaluated.
    const mtBench = await runCliChild(['eval', '--benchmark', 'mt-bench', '--config', 'list.yaml', '--routers', 'random', '--random-iters', '1', '--chance-draws', '0', '--json', '--no-plot'], { cwd: dir });
    expect(mtBench.code, mtBench.stderr).toBe(0);
    expect(mtBench.stderr).toContain("routellm: warning: mt-bench has scores of two models only: list.yaml's models: list (3 models) is not evaluated");
  }, 60_000);

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
