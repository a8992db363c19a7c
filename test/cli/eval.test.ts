import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedRoutellmData } from '../eval/helpers/shared-data.js';
import { interruptCliChild, runCliChild } from '../helpers/run-cli-child.js';
import { startJsonHandlerServer, type JsonRequest } from '../helpers/json-handler-server.js';
import { judgeCompletion } from '../helpers/judge-completion.js';
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

/** Files the error cases name as FILE:<name>. */
async function badInputs(dir: string): Promise<void> {
  const rows = (n: number, cell: (i: number) => string) => Array.from({ length: n }, (_, i) => `q${i},${cell(i)}`);
  const files: Record<string, string[]> = {
    'one.csv': ['prompt,big,small', 'hi,True,False'],
    'tied.csv': ['prompt,big,small', ...rows(20, (i) => (i % 2 ? 'True,False' : 'False,True'))],
    'mixed.csv': ['prompt,big,small', ...rows(11, () => 'True,False'), 'q11,0.5,True'],
    'empty-prompt.csv': ['prompt,big,small', ...rows(11, () => 'True,False'), ',True,False'],
    'wrongcol.csv': ['text', 'hello'],
    'header.csv': ['prompt,big,small'],
    'empty.csv': [],
    afile: ['not a directory'],
  };
  for (const [name, lines] of Object.entries(files)) await writeFile(join(dir, name), lines.length ? `${lines.join('\n')}\n` : '');
  await mkdir(join(dir, 'blocked', 'mine.png'), { recursive: true });
}

describe('routellm eval (in-process)', () => {
  it('fits its tables to 80 columns when piped, to $COLUMNS narrower by leaving out columns (said under the table), without colour', async () => {
    const { dir, file } = await csvBenchmark();
    const args = ['eval', '--benchmark', file, '--routers', 'random', ...['--strong-model', 'big', '--weak-model', 'small'], '--random-iters', '3', '--no-plot', ...base(dir)];
    const piped = await runCliInProcess(args);
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stdout.split('\n').filter((line) => line.length > 80)).toEqual([]);
    expect(piped.stdout).toContain('p vs random');
    expect(piped.stdout).not.toContain('\u001b[');
    const narrow = await runCliInProcess(args, { env: { COLUMNS: '50' } });
    expect(narrow.stdout.split('\n').filter((line) => line.length > 50)).toEqual([]);
    expect(narrow.stdout).toContain('APGR');
    expect(narrow.stdout.replace(/\s+/g, ' ')).toContain('(AUC, CPT(20%) left out to fit 50 columns; a wider terminal or --json shows them)');
    // With colour, heads are bold, never cli-table3's red.
    const coloured = await runCliInProcess(args, { env: { FORCE_COLOR: '1' } });
    expect(coloured.stdout).toContain('\u001b[1mrouter\u001b[22m');
    expect(coloured.stdout).not.toContain('\u001b[31m');
    expect((await runCliInProcess(args, { env: { FORCE_COLOR: '1', NO_COLOR: '1' } })).stdout).toContain('\u001b[1m');
  });

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
    // Shares of strong calls are percentages, named so (as calibrate's strong_model_pct).
    expect(Object.keys(router)).toEqual(['name', 'apgr', 'auc', 'cpt20_pct', 'cpt50_pct', 'cpt80_pct', 'points']);
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
    ], { env: { COLUMNS: '120' } });
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
    [['--benchmark', 'mmlu', '--data', '/nonexistent/routellm'], 'no MMLU data at /nonexistent/routellm/mmlu/responses'],
    // Degenerate data: APGR would be NaN or -Infinity.
    [['--benchmark', 'BENCH', '--strong-model', 'big', '--weak-model', 'big'], '--strong-model and --weak-model both name "big": eval compares two different models'],
    [['--benchmark', 'BENCH', ...models, '--num-results', '100000'], '--num-results 100000 is more than the 40 prompts of mine.csv'],
    [['--benchmark', 'FILE:one.csv', ...models], 'one.csv has 1 prompt; eval needs at least 10'],
    [['--benchmark', 'FILE:tied.csv', ...models], 'big and small have the same mean score on tied.csv (50): APGR is the share of the gap'],
    [['--benchmark', 'FILE:mixed.csv', ...models], 'mixed.csv: record 13, column "big" is a number, but '],
    [['--benchmark', 'FILE:empty-prompt.csv', ...models], 'empty-prompt.csv: record 13: the "prompt" cell is empty; every row needs a prompt'],
    // CSV errors say what is wrong, with one colon.
    [['--benchmark', 'FILE:wrongcol.csv', ...models], 'wrongcol.csv: no column "prompt"; columns are: text'],
    [['--benchmark', 'FILE:header.csv', ...models], 'header.csv has a header but no rows'],
    [['--benchmark', 'FILE:empty.csv', ...models], 'empty.csv is empty: expected a CSV file with a header line'],
    // Output paths are checked before any scoring.
    [['--benchmark', 'BENCH', ...models, '--output', 'FILE:afile'], 'afile: not a directory'],
    [['--benchmark', 'BENCH', ...models, '--output', 'FILE:blocked'], 'blocked/mine.png is a directory'],
  ])('eval %j: exit 2 with one line', async (args, message) => {
    const { dir, file } = await csvBenchmark();
    await badInputs(dir);
    const plot = args.includes('--output') ? [] : ['--no-plot', '--output', join(dir, 'out')];
    const argv = ['eval', ...args.map((arg) => (arg === 'BENCH' ? file : arg.startsWith('FILE:') ? join(dir, arg.slice(5)) : arg)), ...plot, '--cache-dir', join(dir, 'cache')];
    const result = await runCliInProcess(argv, { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toContain('::');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('writes the SVG and PNG both or neither: a blocked PNG leaves the old SVG alone', async () => {
    const { dir, file } = await csvBenchmark();
    await mkdir(join(dir, 'out', 'mine.png'), { recursive: true });
    await writeFile(join(dir, 'out', 'mine.svg'), 'old');
    const result = await runCliInProcess(['eval', '--benchmark', file, '--routers', 'random', ...models, '--cache-dir', join(dir, 'cache'), '--output', join(dir, 'out')]);
    expect(result.code).toBe(2);
    expect(await readFile(join(dir, 'out', 'mine.svg'), 'utf8')).toBe('old');
  });

  it('warns when the weak model scores higher than the strong one on average', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'routellm-eval-'));
    const file = join(dir, 'swapped.csv');
    await writeFile(file, `prompt,big,small\n${Array.from({ length: 20 }, (_, i) => `q${i},${i % 2 ? 'True' : 'False'},True`).join('\n')}\n`);
    const result = await runCliInProcess(['eval', '--benchmark', file, '--routers', 'random', ...models, '--no-plot', '--json', ...base(dir)]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('routellm: warning: the weak model small scores higher than the strong model big on swapped.csv (100.00% vs 50.00%)');
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

/** A causal_llm judge's chat.completion: `content`, and with logprobs asked for, its score token's alternatives. */
function judgeAnswer(request: JsonRequest, content: string, alternatives?: Record<string, number>) {
  const logprobs =
    request.body.logprobs && alternatives
      ? {
          content: [
            { token: '[[', logprob: 0, bytes: null, top_logprobs: [] },
            { token: content.slice(2, 3), logprob: Math.log(alternatives[content.slice(2, 3)] ?? 1), bytes: null, top_logprobs: Object.entries(alternatives).map(([token, p]) => ({ token, logprob: Math.log(p), bytes: null })) },
            { token: ']]', logprob: 0, bytes: null, top_logprobs: [] },
          ],
          refusal: null,
        }
      : null;
  return judgeCompletion(request.body.model, content, logprobs);
}

describe("routellm eval: RouteLLM's --parallel and --overwrite-cache", () => {
  const models = ['--strong-model', 'big', '--weak-model', 'small'];

  it('--parallel N keeps N batches of judge calls in flight at once (a real judge server that counts them)', async () => {
    let inFlight = 0;
    let most = 0;
    const server = await startJsonHandlerServer(async (request) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 25));
      inFlight -= 1;
      return judgeAnswer(request, '[[2]]');
    });
    try {
      const { dir, file } = await csvBenchmark();
      await writeFile(join(dir, 'judge.yaml'), `causal_llm: { model: judge, base_url: "${server.baseURL}", logprobs: false }\n`);
      const run = (...extra: string[]) =>
        runCliInProcess(['eval', '--benchmark', file, '--routers', 'causal_llm', ...models, '--config', 'judge.yaml', '--chance-draws', '0', '--no-plot', '--json', '--overwrite-cache', ...extra, ...base(dir)], { cwd: dir });
      const serial = await run();
      expect(serial.code, serial.stderr).toBe(0);
      // causal_llm itself keeps 4 judge calls going within a batch.
      const one = most;
      expect(one).toBeLessThanOrEqual(4);
      most = 0;
      const parallel = await run('--parallel', '3');
      expect(parallel.code, parallel.stderr).toBe(0);
      expect(most).toBeGreaterThan(one);
      expect(most).toBeLessThanOrEqual(3 * 4);
      // The same figures either way.
      expect(JSON.parse(parallel.stdout).routers).toEqual(JSON.parse(serial.stdout).routers);
    } finally {
      await server.close();
    }
  });

  it('--parallel 2..8 over more batches than workers: every prompt judged once by a slow judge, the same table as --parallel 1', async () => {
    // 256 prompts a batch: 9 batches for 8 workers, and more for fewer, so workers come back for
    // batches while others still hold theirs (random answers at once, the judge after a delay).
    const rows = 256 * 8 + 5;
    let inFlight = 0;
    let most = 0;
    const server = await startJsonHandlerServer(async (request) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 1 + (request.body.messages.at(-1).content.length % 3)));
      inFlight -= 1;
      return judgeAnswer(request, request.body.messages.at(-1).content.includes('question 1') ? '[[2]]' : '[[5]]');
    });
    try {
      const { dir, file } = await csvBenchmark(rows);
      await writeFile(join(dir, 'judge.yaml'), `causal_llm: { model: judge, base_url: "${server.baseURL}", logprobs: false }\n`);
      const run = async (parallel: number) => {
        server.requests.length = 0;
        most = 0;
        const result = await runCliInProcess(
          ['eval', '--benchmark', file, '--routers', 'random', 'causal_llm', ...models, '--config', 'judge.yaml', '--random-iters', '2', '--chance-draws', '0', '--no-plot', '--json', '--overwrite-cache', '--parallel', String(parallel), ...base(dir)],
          { cwd: dir },
        );
        expect(result.stderr).not.toContain('internal error');
        expect(result.code, result.stderr).toBe(0);
        // Each prompt reached the judge exactly once: no batch taken twice, none skipped.
        const judged = server.requests.map((request) => request.body.messages.at(-1).content as string);
        expect(judged).toHaveLength(rows);
        expect(new Set(judged).size).toBe(rows);
        expect(most).toBeLessThanOrEqual(4 * parallel);
        return JSON.parse(result.stdout).routers;
      };
      const serial = await run(1);
      for (const parallel of [2, 3, 8]) expect(await run(parallel)).toEqual(serial);
    } finally {
      await server.close();
    }
  }, 120_000);

  it('--overwrite-cache scores again (every router, or those named) instead of reading the cache', async () => {
    const { dir, file } = await csvBenchmark();
    const run = (...extra: string[]) =>
      runCliInProcess(['eval', '--benchmark', file, '--routers', 'random', 'mf', ...models, '--chance-draws', '0', '--no-plot', ...extra, ...base(dir)], { env: { CI: 'true' } });
    expect((await run()).stderr).toContain('mf: scoring 40 prompts (0 cached)');
    expect((await run()).stderr).toContain('mf: scoring 40 prompts (40 cached)');
    for (const flag of [['--overwrite-cache'], ['--overwrite-cache', 'mf']]) {
      const again = await run(...flag);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).toContain('mf: scoring 40 prompts (0 cached)');
    }
    expect((await run('--overwrite-cache', 'random')).stderr).toContain('mf: scoring 40 prompts (40 cached)');
    const wrong = await run('--overwrite-cache', 'hybrid');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toBe('routellm: --overwrite-cache hybrid: "hybrid" is not one of the routers evaluated (random, mf)\n');
  });
});

describe('routellm eval: routers whose win rates tie (a real causal_llm judge server)', () => {
  type Point = { threshold: number; strong_pct: number; score: number };
  const models = ['--strong-model', 'big', '--weak-model', 'small'];
  async function evalJudge(answer: (request: JsonRequest) => ReturnType<typeof judgeAnswer>, logprobs: boolean) {
    const server = await startJsonHandlerServer(answer);
    try {
      const { dir, file } = await csvBenchmark();
      const config = join(dir, 'judge.yaml');
      await writeFile(config, `causal_llm: { model: judge, base_url: "${server.baseURL}", logprobs: ${logprobs} }\n`);
      const result = await runCliInProcess(['eval', '--benchmark', file, '--routers', 'causal_llm', ...models, '--config', config, '--chance-draws', '0', '--no-plot', '--json', ...base(dir)]);
      expect(result.stderr).not.toContain('internal error');
      expect(result.code).toBe(0);
      const router = JSON.parse(result.stdout).routers[0] as { apgr: number; auc: number; cpt20_pct: number; cpt50_pct: number; cpt80_pct: number; points: Point[] };
      return { router, stderr: result.stderr };
    } finally {
      await server.close();
    }
  }

  // strong "big" scores 80%, weak "small" 50% on csvBenchmark(40).
  it.each([
    ['0.3 for every prompt (logprobs)', true, (request: JsonRequest) => judgeAnswer(request, '[[4]]', { '4': 0.7, '1': 0.3 })],
    ['1 for every prompt (no logprobs, score 2)', false, (request: JsonRequest) => judgeAnswer(request, '[[2]]')],
  ])('win rate %s: both endpoints (all weak, all strong), a straight line (APGR 0.5) and a warning', async (_what, logprobs, answer) => {
    const { router, stderr } = await evalJudge(answer, logprobs);
    expect(router.points.map((point) => [point.strong_pct, point.score])).toEqual([
      [0, 50],
      [100, 80],
    ]);
    // Each point follows the real rule: the 100% point's threshold is the one win rate, the 0% point's is above it.
    const rate = router.points[1]!.threshold;
    expect(rate).toBeCloseTo(logprobs ? 0.3 : 1, 9);
    expect(router.points[0]!.threshold).toBeGreaterThan(rate);
    expect(router.apgr).toBeCloseTo(0.5, 12);
    expect(router.auc).toBeCloseTo(65, 12);
    expect([router.cpt20_pct, router.cpt50_pct, router.cpt80_pct].map((value) => +value.toFixed(9))).toEqual([20, 50, 80]);
    expect(stderr).toContain('routellm: warning: router "causal_llm" gave the same win rate to every prompt, so its curve has only 2 points');
  });

  it('two win rates (a judge without logprobs): three points, each strong_pct = share of win rate >= threshold', async () => {
    // The judge says "weak will do" ([[5]], win rate 0) except where only the strong model is right.
    const gains = (i: number) => i % 5 !== 0 && i % 2 !== 0;
    const { router, stderr } = await evalJudge((request) => {
      const i = Number(/question (\d+)/.exec(JSON.stringify(request.body.messages))![1]);
      return judgeAnswer(request, gains(i) ? '[[2]]' : '[[5]]');
    }, false);
    const strongShare = (Array.from({ length: 40 }, (_, i) => i).filter(gains).length / 40) * 100;
    expect(router.points.map((point) => [point.strong_pct, point.score])).toEqual([
      [0, 50],
      // Strong on the 16 gains, weak where it is right: the best score any router can reach here.
      [strongShare, 90],
      [100, 80],
    ]);
    expect(router.points[1]!.threshold).toBeGreaterThan(0);
    expect(router.points[1]!.threshold).toBeLessThanOrEqual(1);
    expect(router.apgr).toBeGreaterThan(0.5);
    expect(stderr).toContain('routellm: warning: router "causal_llm" gave only 2 distinct win rates, so its curve has only 3 points');
  });
});

const data = sharedRoutellmData();

describe.skipIf(data === undefined)('routellm eval on the shared MT-Bench data', () => {
  it('shows the commercial routers beside ours, with published and file figures', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'routellm-eval-'));
    // Wide enough that no line wraps: the figures are read off the rows.
    const result = await runCliInProcess(['eval', '--benchmark', 'mt-bench', '--routers', 'random', '--data', data!, '--no-plot', ...base(dir)], { env: { COLUMNS: '200' } });
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

  it('stops with exit 130 on Ctrl-C while measuring the chance level, not minutes later', async () => {
    const { dir, file } = await csvBenchmark(2000);
    // 20M draws of 2000 prompts: hours of CPU if the loop never yields.
    // Signal once it is in the chance loop (the random router is done).
    const { code, exitMs } = await interruptCliChild(
      ['eval', '--benchmark', file, '--routers', 'random', '--random-iters', '1', '--strong-model', 'big', '--weak-model', 'small', '--chance-draws', '20000000', '--no-plot', ...base(dir)],
      { when: 'random: done', delayMs: 300 },
    );
    expect(code).toBe(130);
    expect(exitMs).toBeLessThan(2000);
  });
});
