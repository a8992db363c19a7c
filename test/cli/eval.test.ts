import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedRoutellmData } from '../eval/helpers/shared-data.js';
import { runCliChild } from '../helpers/run-cli-child.js';
import { runCliInProcess } from '../helpers/run-cli-in-process.js';

/** A small benchmark CSV: prompt plus one True/False column per model; quoted multi-line prompts. */
async function csvBenchmark(rows = 40): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'routellm-eval-'));
  const lines = ['prompt,big,small'];
  for (let i = 0; i < rows; i += 1) lines.push(`"question ${i}\nwith ""quotes""",${i % 5 !== 0 ? 'True' : 'False'},${i % 2 === 0 ? 'True' : 'False'}`);
  const file = join(dir, 'mine.csv');
  await writeFile(file, `${lines.join('\n')}\n`);
  return { dir, file };
}

const base = (dir: string) => ['--cache-dir', join(dir, 'cache'), '--output', join(dir, 'out')];

describe('routellm eval (in-process)', () => {
  it('--json on a CSV benchmark prints the documented shape', async () => {
    const { dir, file } = await csvBenchmark();
    const result = await runCliInProcess([
      'eval', '--benchmark', file, '--routers', 'random', '--strong-model', 'big', '--weak-model', 'small',
      '--random-iters', '3', '--no-plot', '--json', ...base(dir),
    ]);
    expect(result.stderr).not.toContain('internal error');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(Object.keys(report)).toEqual(['benchmark', 'n', 'strong', 'weak', 'routers', 'chance']);
    // auto: 1000 draws on a small benchmark; the random router itself gets no p-value.
    expect(report.chance.draws).toBe(1000);
    expect(report.chance.mean).toBeGreaterThan(0.4);
    expect(report.chance.mean).toBeLessThan(0.6);
    expect(report.benchmark).toBe('mine');
    expect(report.n).toBe(40);
    expect(report.strong).toEqual({ model: 'big', score: 80 });
    expect(report.weak).toEqual({ model: 'small', score: 50 });
    expect(report.routers).toHaveLength(1);
    const router = report.routers[0];
    expect(Object.keys(router)).toEqual(['name', 'apgr', 'auc', 'cpt20', 'cpt50', 'cpt80', 'points']);
    expect(router.name).toBe('random');
    expect(router.points).toHaveLength(11);
    expect(Object.keys(router.points[0])).toEqual(['threshold', 'strong_pct', 'score']);
    // Ascending strong share, from nothing strong (the weak score) to everything strong.
    expect(router.points[0]).toMatchObject({ strong_pct: 0, score: 50 });
    expect(router.points[10]).toMatchObject({ strong_pct: 100, score: 80 });
    // random is never cached.
    await expect(readdir(join(dir, 'cache'))).rejects.toThrow();
  });

  it('writes <output>/<benchmark>.svg and .png atomically and prints a plain table when piped', async () => {
    const { dir, file } = await csvBenchmark();
    const result = await runCliInProcess([
      'eval', '--benchmark', file, '--routers', 'random', '--strong-model', 'big', '--weak-model', 'small', '--random-iters', '2', ...base(dir),
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('mine.csv: 40 prompts; strong big 80.00%, weak small 50.00%');
    expect(result.stdout).toMatch(/random \(mean of 2 runs\)\s+│\s+\d\.\d{4}/);
    // No ANSI escapes when stdout is not a colour terminal.
    expect(result.stdout).not.toContain('\u001b[');
    expect((await readdir(join(dir, 'out'))).sort()).toEqual(['mine.png', 'mine.svg']);
    const svg = await readFile(join(dir, 'out', 'mine.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('Strong model calls (%)');
    const png = await readFile(join(dir, 'out', 'mine.png'));
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(result.stderr).toContain(`wrote ${join(dir, 'out', 'mine.svg')}`);
  });

  const models = ['--strong-model', 'big', '--weak-model', 'small'];
  it.each([
    [['--benchmark', 'nope'], 'unknown benchmark "nope": use mt-bench, mmlu, gsm8k or a FILE.csv'],
    [['--benchmark', 'missing.csv'], 'file not found: '],
    [['--benchmark', 'BENCH', '--strong-model', 'gpt', '--weak-model', 'small'], 'no column "gpt" (name the model columns with --strong-model); columns are: prompt, big, small'],
    [['--benchmark', 'BENCH', ...models, '--num-results', '0'], '--num-results must be a positive integer, got "0"'],
    [['--benchmark', 'BENCH', ...models, '--random-iters', 'x'], '--random-iters must be a positive integer, got "x"'],
    [['--benchmark', 'BENCH', ...models, '--chance-draws', 'many'], '--chance-draws must be "auto", 0 or a positive integer, got "many"'],
    [['--benchmark', 'BENCH', ...models, '--chance-draws', '-5'], '--chance-draws must be "auto", 0 or a positive integer, got "-5"'],
    [['--benchmark', 'BENCH', ...models, '--routers', 'nope'], 'unknown router "nope"'],
    [['--benchmark', 'BENCH', ...models, '--split', 'eval'], '--split applies to mmlu only'],
    [['--benchmark', 'mmlu', '--data', '/nonexistent/routellm'], 'no MMLU data at /nonexistent/routellm/mmlu/responses'],
  ])('eval %j: exit 2 with one line', async (args, message) => {
    const { dir, file } = await csvBenchmark();
    const argv = ['eval', ...args.map((arg) => (arg === 'BENCH' ? file : arg)), '--no-plot', ...base(dir)];
    const result = await runCliInProcess(argv, { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('--chance-draws gives every single-run router a p-value against random scores; 0 leaves it out', async () => {
    const { dir, file } = await csvBenchmark();
    const args = ['eval', '--benchmark', file, '--routers', 'random', 'mf', ...models, '--random-iters', '2', '--no-plot', ...base(dir)];
    const json = await runCliInProcess([...args, '--json', '--chance-draws', '50']);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report.chance.draws).toBe(50);
    const mf = report.routers.find((r: { name: string }) => r.name === 'mf');
    const random = report.routers.find((r: { name: string }) => r.name === 'random');
    // (k + 1) / (draws + 1): a multiple of 1/51 between 1/51 and 1.
    expect(mf.p_random * 51).toBeCloseTo(Math.round(mf.p_random * 51), 9);
    expect(mf.p_random).toBeGreaterThanOrEqual(1 / 51);
    expect(mf.p_random).toBeLessThanOrEqual(1);
    expect(random).not.toHaveProperty('p_random');
    const table = await runCliInProcess([...args, '--chance-draws', '50']);
    expect(table.stdout).toContain('p vs random');
    expect(table.stdout).toMatch(/Chance: 50 random-score draws give APGR \d\.\d{3} ± \d\.\d{3}/);
    const off = await runCliInProcess([...args, '--json', '--chance-draws', '0']);
    expect(Object.keys(JSON.parse(off.stdout))).not.toContain('chance');
    const offTable = await runCliInProcess([...args, '--chance-draws', '0']);
    expect(offTable.stdout).not.toContain('p vs random');
  });

  it('a bad cell is an error naming file, record and column', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'routellm-eval-'));
    const file = join(dir, 'bad.csv');
    await writeFile(file, 'prompt,big,small\nhi,True,False\nyo,maybe,True\n');
    const result = await runCliInProcess(['eval', '--benchmark', file, '--strong-model', 'big', '--weak-model', 'small', '--no-plot', ...base(dir)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}: record 3, column "big": expected True/False or a number, got "maybe"`);
  });
});

const data = sharedRoutellmData();

describe.skipIf(data === undefined)('routellm eval on the shared MT-Bench data', () => {
  it('shows the commercial routers beside ours, with published and file figures', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'routellm-eval-'));
    const result = await runCliInProcess(['eval', '--benchmark', 'mt-bench', '--routers', 'random', '--data', data!, '--no-plot', ...base(dir)]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('MT-Bench: 72 prompts; strong gpt-4-1106-preview 9.212, weak mistralai/Mixtral-8x7B-Instruct-v0.1 8.281');
    expect(result.stdout).toMatch(/unify\s+│ 8\.757862\s+│ 45\.625%\s+│ 8\.697 \/ \d\.\d{3}\s+│ \d\.\d{3}/);
    expect(result.stdout).toMatch(/martian\s+│ 8\.3125\s+│ 50%\s+│ 8\.313 \/ \d\.\d{3}/);
    expect(result.stderr).toContain('72/80 MT-Bench questions after decontamination');
  });
});

describe('routellm eval (child process)', () => {
  it('runs from bin/ with exit 0 and --json, exit 2 on a bad flag', async () => {
    const { dir, file } = await csvBenchmark(20);
    const ok = await runCliChild(['eval', '--benchmark', file, '--routers', 'random', '--strong-model', 'big', '--weak-model', 'small', '--no-plot', '--json', ...base(dir)], {
      env: { CI: 'true' },
    });
    expect(ok.stderr).not.toContain('internal error');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).n).toBe(20);
    const bad = await runCliChild(['eval', '--benchmark', file, '--num-results', '-3', ...base(dir)]);
    expect(bad.code).toBe(2);
  });
});
