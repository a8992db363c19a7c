import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { seededRandom } from '../../src/core/index.js';
import { shippedTablePath } from '../../src/calibrate/load-calibration-table.js';
import { thresholdForShare } from '../../src/calibrate/threshold-for-share.js';
import { sortedAscending } from '../../src/eval/metrics/quantile.js';
import { datasetsDir } from '../../src/runtime/package-paths.js';
import { sharedRoutellmData } from '../eval/helpers/shared-data.js';
import { interruptCliChild, runCliChild } from '../helpers/run-cli-child.js';
import { runCliInProcess } from '../helpers/run-cli-in-process.js';

async function workspace() {
  const dir = await mkdtemp(join(tmpdir(), 'routellm-calibrate-'));
  // 100: the fewest a share is cut on without a warning that it is noisy.
  const prompts = Array.from({ length: 100 }, (_, i) => `prompt number ${i}`);
  await writeFile(join(dir, 'prompts.txt'), `${prompts.join('\n')}\n`);
  await writeFile(join(dir, 'seeded.yaml'), 'random:\n  seed: 11\n');
  // mf with its pair swapped stands for a router of the user's own: its fingerprint is not the shipped table's.
  await writeFile(join(dir, 'own.yaml'), 'mf:\n  strong_model: mixtral-8x7b-instruct-v0.1\n  weak_model: gpt-4-1106-preview\n');
  return { dir, prompts, cache: ['--cache-dir', join(dir, 'cache')] };
}

describe('routellm calibrate (in-process)', () => {
  it('prints the Python wording, with the (1 - P) quantile of the win rates', async () => {
    const { dir, cache } = await workspace();
    const result = await runCliInProcess(
      ['calibrate', '--routers', 'random', '--strong-model-pct', '0.3', '--prompts', 'prompts.txt', '--config', 'seeded.yaml', ...cache],
      { cwd: dir },
    );
    expect(result.stderr).not.toContain('internal error');
    expect(result.code).toBe(0);
    const random = seededRandom(11);
    const rates = Array.from({ length: 100 }, () => random());
    const expected = thresholdForShare(sortedAscending(rates), 0.3);
    expect(result.stdout).toBe(`For 30.0% strong model calls for random, threshold = ${Number(expected.toFixed(5))}\n`);
  });

  it('--json prints {"router","strong_model_pct","threshold","n"} per router, the share a percentage as eval\'s *_pct fields', async () => {
    const { dir, cache } = await workspace();
    const result = await runCliInProcess(
      ['calibrate', '--routers', 'random', '--strong-model-pct', '50%', '--prompts', 'prompts.txt', '--config', 'seeded.yaml', '--json', ...cache],
      { cwd: dir },
    );
    expect(result.code).toBe(0);
    const line = JSON.parse(result.stdout);
    expect(Object.keys(line)).toEqual(['router', 'strong_model_pct', 'threshold', 'n']);
    expect(line).toMatchObject({ router: 'random', strong_model_pct: 50, n: 100 });
    // A fraction on the command line (the Python's spelling) is reported in the same unit.
    const fraction = await runCliInProcess(
      ['calibrate', '--routers', 'random', '--strong-model-pct', '0.3', '--prompts', 'prompts.txt', '--config', 'seeded.yaml', '--json', ...cache],
      { cwd: dir },
    );
    expect(JSON.parse(fraction.stdout).strong_model_pct).toBe(30);
    expect(line.threshold).toBeGreaterThan(0);
    expect(line.threshold).toBeLessThan(1);
  });

  it.each([
    [['--strong-model-pct', '30%', '--prompts', 'prompts.txt']],
    [['--write-table', '--prompts', 'prompts.txt', '--table', 'mine.json']],
  ])('%j: a router that cannot be built (sw_ranking without data) fails before any other is scored', async (args) => {
    const { dir, cache } = await workspace();
    await writeFile(join(dir, 'broken.yaml'), 'random: { seed: 1 }\nsw_ranking: { data_dir: ./no-such-dir }\n');
    const result = await runCliInProcess(['calibrate', '--routers', 'random', 'sw_ranking', ...args, '--config', 'broken.yaml', ...cache], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('sw_ranking: cannot read');
    // Nothing was scored: no "random: scoring 100 prompts" first.
    expect(result.stderr).not.toContain('scoring');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stdout).toBe('');
  });

  it('answers from the shipped table without --prompts', async () => {
    const result = await runCliInProcess(['calibrate', '--routers', 'random', '--strong-model-pct', '0.5', '--json']);
    expect(result.code).toBe(0);
    const line = JSON.parse(result.stdout);
    expect(line.router).toBe('random');
    // Uniform win rates: the median is near 0.5.
    expect(line.threshold).toBeGreaterThan(0.45);
    expect(line.threshold).toBeLessThan(0.55);
    expect(line.n).toBeGreaterThan(2000);
  });

  it('route resolves --threshold 50% through the shipped table', async () => {
    const result = await runCliInProcess(['route', '--router', 'random', '--threshold', '50%', '--json', 'hello']);
    expect(result.code).toBe(0);
    const threshold = JSON.parse(result.stdout).threshold;
    expect(threshold).toBeGreaterThan(0.45);
    expect(threshold).toBeLessThan(0.55);
  });

  it('a router trained or configured by the user: route tells how to make a table of its own, and following it works', async () => {
    const { dir, cache } = await workspace();
    const route = (env: Record<string, string> = {}) =>
      runCliInProcess(['route', '--router', 'mf', '--config', 'own.yaml', '--threshold', '30%', '--json', 'hello'], { cwd: dir, env });
    const refused = await route();
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      'routellm: the shipped calibration table was made for router "mf" with other weights or options; make one for your router with ' +
        'routellm calibrate --write-table --routers mf --prompts YOUR_PROMPTS --table mine.json (and the same --config), ' +
        'then set ROUTELLM_CALIBRATION_TABLE=mine.json; or give a threshold in [0, 1]\n',
    );
    expect(refused.stderr).not.toContain('npm run calibration:table');
    const fromTable = await runCliInProcess(['calibrate', '--routers', 'mf', '--config', 'own.yaml', '--strong-model-pct', '30%'], { cwd: dir });
    expect(fromTable.code).toBe(2);
    // calibrate refuses as route does, with the alternative that fits calibrate, and (on the command line only) the table's path.
    expect(fromTable.stderr).toBe(
      'routellm: the shipped calibration table was made for router "mf" with other weights or options; make one for your router with ' +
        'routellm calibrate --write-table --routers mf --prompts YOUR_PROMPTS --table mine.json (and the same --config), ' +
        `then set ROUTELLM_CALIBRATION_TABLE=mine.json; or calibrate on them directly with --prompts YOUR_PROMPTS (tables: ${shippedTablePath(datasetsDir())})\n`,
    );
    // Following the advice, word for word.
    const write = await runCliInProcess(
      ['calibrate', '--write-table', '--routers', 'mf', '--prompts', 'prompts.txt', '--table', 'mine.json', '--config', 'own.yaml', ...cache],
      { cwd: dir },
    );
    expect(write.code, write.stderr).toBe(0);
    const table = JSON.parse(await readFile(join(dir, 'mine.json'), 'utf8'));
    // The table records the command that made it, not the npm script of the shipped one.
    expect(table.made_by).toBe(`routellm calibrate --write-table --routers mf --prompts prompts.txt --table mine.json --config own.yaml`);
    const routed = await route({ ROUTELLM_CALIBRATION_TABLE: join(dir, 'mine.json') });
    expect(routed.code, routed.stderr).toBe(0);
    const direct = await runCliInProcess(
      ['calibrate', '--routers', 'mf', '--config', 'own.yaml', '--strong-model-pct', '30%', '--prompts', 'prompts.txt', '--json', ...cache],
      { cwd: dir },
    );
    // 30% sits on the table's 1001-point grid: the same quantile as calibrating on the prompts directly.
    expect(JSON.parse(routed.stdout).threshold).toBeCloseTo(JSON.parse(direct.stdout).threshold, 12);
  });

  it.each(['0%', '100%', '0.0%', '100.00%'])('route --threshold %s is refused as calibrate refuses it: name the model directly', async (share) => {
    const result = await runCliInProcess(['route', '--router', 'random', '--threshold', share, 'hello']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `routellm: --threshold: threshold "${share}": a strong-model share must be strictly between 0% and 100%; ` +
        "use threshold 0 to send every call to the strong model, or call the weak model's own endpoint to skip routing\n",
    );
    const calibrate = await runCliInProcess(['calibrate', '--routers', 'random', '--strong-model-pct', share]);
    expect(calibrate.code).toBe(2);
    // calibrate gives the same advice for the same share.
    expect(calibrate.stderr).toContain("use threshold 0 to send every call to the strong model, or call the weak model's own endpoint to skip routing");
  });

  it.each([
    [['--strong-model-pct', '50'], '--strong-model-pct must be a fraction in (0, 1) like 0.5, or a percentage like 50%; got "50"'],
    [['--strong-model-pct', '0'], '--strong-model-pct "0": a strong-model share must be strictly between 0% and 100%'],
    [['--strong-model-pct', '1'], '--strong-model-pct "1": a strong-model share must be strictly between 0% and 100%'],
    [[], '--strong-model-pct is required'],
    [['--strong-model-pct', '0.5', '--prompts', 'nope.txt'], 'routellm: cannot read --prompts nope.txt: no such file or directory\n'],
    [['--strong-model-pct', '0.5', '--prompts', 'p.csv'], 'no column "prompt" (choose one with --column); columns are: id, text'],
    [['--strong-model-pct', '0.5', '--prompts', 'empty.txt'], 'no prompts in '],
    [['--strong-model-pct', '0.5', '--prompts', 'p.jsonl', '--column', 'text'], 'line 1 has no string "text" field'],
    [['--strong-model-pct', '0.5', '--routers', 'nope'], 'unknown router "nope"'],
  ])('calibrate %j: exit 2 with one line', async (args, message) => {
    const { dir, cache } = await workspace();
    await writeFile(join(dir, 'p.csv'), 'id,text\n1,hi\n');
    await writeFile(join(dir, 'p.jsonl'), '{"prompt":"hi"}\n');
    await writeFile(join(dir, 'empty.txt'), '');
    const result = await runCliInProcess(['calibrate', '--routers', 'random', ...args, ...cache], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});

const data = sharedRoutellmData();

describe.skipIf(data === undefined)('routellm calibrate --write-table', () => {
  it('writes a table over the traffic mix (train halves) that calibrate can read back', async () => {
    const { dir, cache } = await workspace();
    const table = join(dir, 'table.json');
    const result = await runCliInProcess(['calibrate', '--write-table', '--routers', 'random', '--config', 'seeded.yaml', '--table', table, '--data', data!, ...cache], {
      cwd: dir,
    });
    expect(result.code).toBe(0);
    const written = JSON.parse(await readFile(table, 'utf8'));
    expect(written.format).toBe('routellm-calibration-table/1');
    expect(written.prompts.source).toMatch(/^traffic mix: up to 500 train-half prompts .* routellm\/mmlu\/responses, gsm8k\/train\.jsonl, arena-hard/);
    // Any seed draws from one distribution: the entry fits random whatever its seed.
    expect(written.routers.random).toMatchObject({ fingerprint: 'random:uniform', n: written.prompts.n });
    expect(written.routers.random.quantiles).toHaveLength(1001);
  });
});

describe('routellm calibrate with your own table', () => {
  it('--write-table --prompts FILE --table T, then --table T answers without scoring', async () => {
    const { dir, cache } = await workspace();
    const made = await runCliInProcess(
      ['calibrate', '--write-table', '--routers', 'random', '--config', 'seeded.yaml', '--prompts', 'prompts.txt', '--table', 'mine.json', ...cache],
      { cwd: dir },
    );
    expect(made.code).toBe(0);
    expect(made.stderr).toContain(`wrote ${join(dir, 'mine.json')}: random over 100 prompts`);
    const direct = await runCliInProcess(
      ['calibrate', '--routers', 'random', '--config', 'seeded.yaml', '--strong-model-pct', '0.2', '--prompts', 'prompts.txt', '--json', ...cache],
      { cwd: dir },
    );
    const fromTable = await runCliInProcess(['calibrate', '--routers', 'random', '--config', 'seeded.yaml', '--strong-model-pct', '0.2', '--table', 'mine.json', '--json'], {
      cwd: dir,
    });
    expect(fromTable.code).toBe(0);
    // 0.2 sits on the 1001-point grid, so the table gives the same quantile as the prompts.
    expect(JSON.parse(fromTable.stdout).threshold).toBeCloseTo(JSON.parse(direct.stdout).threshold, 12);
    // A table of the user's own mf, read for the shipped mf (no --config): stale.
    const mine = await runCliInProcess(['calibrate', '--write-table', '--routers', 'mf', '--config', 'own.yaml', '--prompts', 'prompts.txt', '--table', 'own-mf.json', ...cache], { cwd: dir });
    expect(mine.code, mine.stderr).toBe(0);
    const stale = await runCliInProcess(['calibrate', '--routers', 'mf', '--strong-model-pct', '0.2', '--table', 'own-mf.json'], { cwd: dir });
    expect(stale.code).toBe(2);
    expect(stale.stderr).toContain('the calibration table in --table was made for router "mf" with other weights or options; make one for your router');
    expect(stale.stderr).toContain(`(tables: ${join(dir, 'own-mf.json')}, ${shippedTablePath(datasetsDir())})`);
  });

  it.each([
    ['ROUTELLM_CALIBRATION_TABLE', (own: string) => ({ env: { ROUTELLM_CALIBRATION_TABLE: own }, args: [] })],
    ['--table', (own: string) => ({ env: {}, args: ['--table', own] })],
  ])('a router a table in %s lacks falls back to the shipped table, the threshold route resolves', async (_, chosen) => {
    const { dir } = await workspace();
    // A table of one's own for another router only (its fingerprint is never checked here).
    const own = join(dir, 'own.json');
    await writeFile(own, JSON.stringify({ format: 'routellm-calibration-table/1', made_by: 'test', prompts: { source: 'test', n: 3 }, routers: { mf: { fingerprint: 'mf:mine', n: 3, quantiles: [0.1, 0.2, 0.3] } } }));
    const { env, args } = chosen(own);
    const calibrated = await runCliInProcess(['calibrate', '--routers', 'random', '--strong-model-pct', '30%', '--json', ...args], { cwd: dir, env });
    expect(calibrated.stderr).toBe('');
    expect(calibrated.code).toBe(0);
    const routed = await runCliInProcess(['route', '--router', 'random', '--threshold', '30%', '--json', 'hello'], { cwd: dir, env: { ROUTELLM_CALIBRATION_TABLE: own } });
    expect(routed.code, routed.stderr).toBe(0);
    expect(JSON.parse(calibrated.stdout).threshold).toBe(JSON.parse(routed.stdout).threshold);
  });

  it('a missing table is refused with its path, not replaced by the shipped one', async () => {
    const { dir } = await workspace();
    const result = await runCliInProcess(['calibrate', '--routers', 'random', '--strong-model-pct', '30%', '--table', 'nope.json'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('routellm: the calibration table in --table is unusable (file not found); fix it, or make one for your router');
    expect(result.stderr).toContain(`(tables: ${join(dir, 'nope.json')}, `);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('routellm calibrate on few prompts (QA finding M: 2 prompts printed a threshold without a word of doubt)', () => {
  const lines = (count: number) => Array.from({ length: count }, (_, i) => `prompt number ${i}`).join('\n');

  it('refuses fewer than eval takes (10), one line and exit 2, in every mode that cuts a share on them', async () => {
    const { dir, cache } = await workspace();
    await writeFile(join(dir, 'two.csv'), 'prompt\nhi\nProve it\n');
    await writeFile(join(dir, 'nine.txt'), lines(9));
    for (const args of [
      ['--strong-model-pct', '50%', '--prompts', 'two.csv'],
      ['--routers', 'random', '--write-table', '--prompts', 'two.csv', '--table', 'mine.json'],
      ['--models', 'mistralai/mistral-7b-chat,gpt-4-1106-preview', '--strong-model-pct', '30%', '--prompts', 'two.csv'],
    ]) {
      const result = await runCliInProcess(['calibrate', ...args, ...cache], { cwd: dir });
      expect(result.code, result.stderr).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(
        'routellm: --prompts two.csv has 2 prompts; calibrate needs at least 10, as eval does (each prompt is 50% of the traffic a share is cut on, so the threshold would be noise)\n',
      );
    }
    const nine = await runCliInProcess(['calibrate', '--strong-model-pct', '50%', '--prompts', 'nine.txt', ...cache], { cwd: dir });
    expect(nine.code).toBe(2);
    expect(nine.stderr).toMatch(/^routellm: --prompts nine\.txt has 9 prompts; calibrate needs at least 10, as eval does \(each prompt is 11\.1% of/);
  });

  it('warns once, with the reason, below 100 prompts; prints the threshold all the same; says nothing from 100 on', async () => {
    const { dir, cache } = await workspace();
    await writeFile(join(dir, 'forty.txt'), lines(40));
    const forty = await runCliInProcess(['calibrate', '--routers', 'random', 'mf', '--strong-model-pct', '30%', '--prompts', 'forty.txt', '--json', ...cache], { cwd: dir });
    expect(forty.code, forty.stderr).toBe(0);
    expect(forty.stdout.trim().split('\n')).toHaveLength(2);
    const warnings = forty.stderr.split('\n').filter((line) => line.includes('warning'));
    // sqrt(0.3 * 0.7 / 40) = 7.2 points; at 100 prompts, 4.6. Once for the run, not once per router.
    expect(warnings).toEqual([
      'routellm: warning: --prompts forty.txt has 40 prompts: a share cut on so few is noisy (on new traffic like them, the share it gives varies by about ±7.2 points, one standard deviation at 30%); 100 prompts or more bring that to ±4.6',
    ]);
    const table = await runCliInProcess(['calibrate', '--routers', 'random', '--write-table', '--prompts', 'forty.txt', '--table', 'forty.json', ...cache], { cwd: dir });
    expect(table.code, table.stderr).toBe(0);
    expect(table.stderr).toContain('±7.9 points, one standard deviation at 50%');
    const hundred = await runCliInProcess(['calibrate', '--routers', 'random', '--strong-model-pct', '30%', '--prompts', 'prompts.txt', ...cache], { cwd: dir });
    expect(hundred.code).toBe(0);
    expect(hundred.stderr).not.toContain('warning');
  });
});

describe('routellm calibrate: bad paths and flags that do not apply', () => {
  const pct = ['--strong-model-pct', '0.5'];
  const write = ['--write-table', '--routers', 'random', '--prompts', 'prompts.txt'];
  it.each([
    [['--routers', 'random', ...pct, '--prompts', '.'], 'cannot read --prompts .: it is a directory, not a file'],
    [['--routers', 'random', ...pct, '--prompts', 'prompts.txt/x'], 'cannot read --prompts prompts.txt/x: not a directory'],
    [[...write, '--table', 'sub'], 'cannot write --table DIR/sub: it is a directory'],
    [[...write, '--table', 'prompts.txt/x.json'], 'cannot write --table DIR/prompts.txt/x.json: DIR/prompts.txt is not a directory'],
    [[...pct, '--column', 'x'], '--column names the prompt column of --prompts FILE; without --prompts there is no file to read it from'],
    [[...pct, '--data', '/nope'], '--data applies to --write-table and --task generate only'],
    [[...pct, '--prompts', 'prompts.txt', '--table', 'mine.json'], '--table is the quantile table used without --prompts'],
    [[...write, ...pct], '--write-table records every share at once and takes no --strong-model-pct'],
    [[...write, '--json'], '--json prints thresholds, which --write-table does not'],
    [[...write, '--data', '/nope'], '--data is where --write-table finds the MMLU prompts; with --prompts it reads your file instead'],
    [write, '--write-table --prompts needs --table FILE for your table; without it the shipped table would be overwritten'],
  ])('calibrate %j: exit 2 with one line, before any scoring', async (args, message) => {
    const { dir, cache } = await workspace();
    await mkdir(join(dir, 'sub'));
    const result = await runCliInProcess(['calibrate', ...args, ...cache], { cwd: dir });
    expect(result.stderr).toContain(message.replaceAll('DIR', dir));
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.code).toBe(2);
    // Nothing scored, so nothing cached.
    await expect(readdir(join(dir, 'cache'))).rejects.toThrow();
  });

  it('an unwritable win-rate cache is a warning, not a failure', async () => {
    const { dir } = await workspace();
    await writeFile(join(dir, 'cache-file'), 'x');
    const result = await runCliInProcess(['calibrate', '--routers', 'mf', ...pct, '--prompts', 'prompts.txt', '--cache-dir', 'cache-file'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^For 50\.0% strong model calls for mf, threshold = /);
    expect(result.stderr).toContain(`routellm: warning: cannot use the win-rate cache under ${join(dir, 'cache-file')} (not a directory)`);
    expect(result.stderr.match(/warning/g)).toHaveLength(1);
  });
});

describe('routellm calibrate (child process)', () => {
  it('exits 0 with a threshold, 2 on a share out of range', async () => {
    const { dir } = await workspace();
    const ok = await runCliChild(['calibrate', '--routers', 'random', '--strong-model-pct', '0.5', '--prompts', 'prompts.txt', '--json'], { cwd: dir });
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).n).toBe(100);
    const bad = await runCliChild(['calibrate', '--strong-model-pct', '2'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('routellm: --strong-model-pct must be a fraction in (0, 1) like 0.5, or a percentage like 50%; got "2"\n');
  });
});

describe('routellm calibrate on long runs', () => {
  it('prints progress lines when not on a terminal, and says how many came from the cache', async () => {
    const { dir, cache } = await workspace();
    const args = ['calibrate', '--routers', 'mf', '--strong-model-pct', '30%', '--prompts', 'prompts.txt', ...cache];
    const first = await runCliInProcess(args, { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain('mf: scoring 100 prompts of prompts.txt\n');
    expect(first.stderr).toMatch(/^mf: done in \d+\.\d\d s, 100 scored, 0 from the cache$/m);
    const second = await runCliInProcess(args, { cwd: dir });
    expect(second.stderr).toMatch(/^mf: done in \d+\.\d\d s, 0 scored, 100 from the cache$/m);
    expect(second.stdout).toBe(first.stdout);
  });

  it('draws the same live bars as eval on a terminal', async () => {
    const { dir, cache } = await workspace();
    const chunks: Buffer[] = [];
    const stderr = Object.assign(new PassThrough(), { isTTY: true as const, columns: 100, rows: 30, hasColors: () => false });
    stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    const stdout = new PassThrough();
    stdout.resume();
    const code = await runCli(['calibrate', '--routers', 'mf', '--strong-model-pct', '30%', '--prompts', 'prompts.txt', ...cache], {
      stdin: Readable.from([]),
      stdout,
      stderr,
      env: {},
      cwd: dir,
      fetch: globalThis.fetch,
    });
    expect(code).toBe(0);
    const drawn = Buffer.concat(chunks).toString('utf8');
    expect(drawn).toMatch(/mf\s+█+ done in \d+\.\d\d s/);
    expect(drawn).not.toContain('mf: scoring');
  });

  it('--task generate fills the win-rate cache, so --task calibrate scores nothing', async () => {
    const { dir, cache } = await workspace();
    const generated = await runCliInProcess(['calibrate', '--task', 'generate', '--routers', 'mf', '--prompts', 'prompts.txt', ...cache], { cwd: dir });
    expect(generated.code, generated.stderr).toBe(0);
    expect(generated.stdout).toBe('');
    expect(generated.stderr).toContain('mf: win rates of the 100 prompts of prompts.txt are in the cache; calibrate --prompts on them is now instant\n');
    const calibrated = await runCliInProcess(['calibrate', '--task', 'calibrate', '--routers', 'mf', '--strong-model-pct', '0.5', '--prompts', 'prompts.txt', ...cache], { cwd: dir });
    expect(calibrated.code).toBe(0);
    expect(calibrated.stdout).toMatch(/^For 50\.0% strong model calls for mf, threshold = 0\.\d+\n$/);
    expect(calibrated.stderr).toMatch(/^mf: done in \d+\.\d\d s, 0 scored, 100 from the cache$/m);
  });

  it.each([
    [['--task', 'generate', '--strong-model-pct', '0.5'], '--task generate only scores prompts into the win-rate cache and takes no --strong-model-pct; run --task calibrate afterwards'],
    [['--task', 'generate', '--write-table'], 'takes no --write-table'],
    [['--task', 'fit'], "option '--task <task>' argument 'fit' is invalid. Allowed choices are calibrate, generate; run routellm calibrate --help for usage"],
  ])('calibrate %j: exit 2', async (args, message) => {
    const { dir, cache } = await workspace();
    const result = await runCliInProcess(['calibrate', '--prompts', 'prompts.txt', ...args, ...cache], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it('stops with exit 130 on Ctrl-C in the middle of a long file, keeping what was scored in the cache', async () => {
    const { dir } = await workspace();
    // 200,000 prompts: minutes of scoring for mf, were the signal not heard between batches.
    const lines = Array.from({ length: 200_000 }, (_, i) => `question ${i}: explain the ${i % 97}th idea in ${i % 13} steps`);
    await writeFile(join(dir, 'big.txt'), `${lines.join('\n')}\n`);
    const { code, stderr, exitMs } = await interruptCliChild(['calibrate', '--routers', 'mf', '--strong-model-pct', '50%', '--prompts', 'big.txt', '--cache-dir', 'cache'], {
      cwd: dir,
      when: 'mf: scoring 200000 prompts',
      delayMs: 500,
    });
    expect(code).toBe(130);
    expect(exitMs).toBeLessThan(2000);
    expect(stderr).toMatch(/routellm: interrupted while scoring with router "mf"; \d+ win rates kept in the cache\n$/);
    expect(stderr).not.toContain('mf: done');
    expect(await readdir(join(dir, 'cache', 'win-rates'))).toHaveLength(1);
  });
});
