import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRandomRouter, RouterRegistry, randomRouterFactory, type Router, type RouterFactory } from '../../src/core/index.js';
import { buildCalibrationTable } from '../../src/calibrate/build-calibration-table.js';
import { findTableEntry, shareResolverFromTables, thresholdFromEntry, validateCalibrationTable } from '../../src/calibrate/calibration-table.js';
import { loadShareTables, shippedTablePath } from '../../src/calibrate/load-calibration-table.js';
import { formatSharePercent, parseShare } from '../../src/calibrate/parse-share.js';
import { readPromptFile } from '../../src/calibrate/read-prompt-file.js';
import { thresholdForShare } from '../../src/calibrate/threshold-for-share.js';
import { EMPTY_CONFIG } from '../../src/config/load-config.js';
import { buildDecider } from '../../src/controller/build-decider.js';
import { nodeRouterContext } from '../../src/runtime/node-router-context.js';
import { runCliInProcess } from '../helpers/run-cli-in-process.js';

const fixed = (name: string, fingerprint: string, rate = 0.5): Router => ({ name, fingerprint, strongWinRate: () => rate });

describe('thresholdForShare', () => {
  it('is the (1 - share) quantile, linear between order statistics (pandas)', () => {
    const sorted = [0.1, 0.2, 0.3, 0.4, 0.5];
    expect(thresholdForShare(sorted, 0.5)).toBe(0.3);
    // 1 - 0.3 = 0.7 -> position 2.8 -> 0.3 + 0.8 * 0.1
    expect(thresholdForShare(sorted, 0.3)).toBeCloseTo(0.38, 12);
    expect(thresholdForShare(sorted, 0.9)).toBeCloseTo(0.14, 12);
  });
});

describe('parseShare', () => {
  it('takes a fraction or a percentage', () => {
    expect(parseShare('0.5')).toBe(0.5);
    expect(parseShare('50%')).toBe(0.5);
    expect(parseShare('12.5%')).toBe(0.125);
    expect(formatSharePercent(0.5)).toBe('50.0%');
    expect(formatSharePercent(0.125)).toBe('12.5%');
  });

  it.each(['50', '-0.2', '150%', 'half', ''])('refuses %j', (raw) => {
    expect(() => parseShare(raw)).toThrow('--strong-model-pct must be a fraction in (0, 1) like 0.5, or a percentage like 50%');
  });

  it.each(['0', '1', '100%', '0%', '0.0'])('refuses %j with the advice route and serve give for 0% and 100%', (raw) => {
    expect(() => parseShare(raw)).toThrow(
      `--strong-model-pct "${raw}": a strong-model share must be strictly between 0% and 100%; use threshold 0 to send every call to the strong model, or call the weak model's own endpoint to skip routing`,
    );
  });
});

describe('readPromptFile', () => {
  it('reads CSV (streamed, quoted newlines), JSONL and plain lines', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'routellm-prompts-'));
    await writeFile(join(dir, 'p.csv'), 'id,text\n1,"hello\nthere"\n2,"say ""hi"""\n');
    await writeFile(join(dir, 'p.jsonl'), '{"text":"a"}\n\n{"text":"b","x":1}\n');
    await writeFile(join(dir, 'p.txt'), 'first\n\n  second\n');
    expect(await readPromptFile(join(dir, 'p.csv'), 'text')).toEqual(['hello\nthere', 'say "hi"']);
    expect(await readPromptFile(join(dir, 'p.jsonl'), 'text')).toEqual(['a', 'b']);
    expect(await readPromptFile(join(dir, 'p.txt'), 'ignored')).toEqual(['first', '  second']);
  });

  it('fails with one clear line on a missing file, column or field, and on an empty file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'routellm-prompts-'));
    await writeFile(join(dir, 'p.csv'), 'id,text\n1,hello\n');
    await writeFile(join(dir, 'p.jsonl'), '{"text":"a"}\n{"prompt":"b"}\n');
    await writeFile(join(dir, 'empty.txt'), '\n\n');
    await expect(readPromptFile(join(dir, 'nope.csv'), 'prompt')).rejects.toThrow(`file not found: ${join(dir, 'nope.csv')}`);
    await expect(readPromptFile(join(dir, 'p.csv'), 'prompt')).rejects.toThrow('no column "prompt" (choose one with --column); columns are: id, text');
    await expect(readPromptFile(join(dir, 'p.jsonl'), 'text')).rejects.toThrow('line 2 has no string "text" field');
    await expect(readPromptFile(join(dir, 'empty.txt'), 'prompt')).rejects.toThrow('no prompts in');
  });

  it('refuses a file that is not UTF-8 (Latin-1, binary) in every format, naming the first bad line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'routellm-prompts-'));
    const latin1 = (text: string) => Buffer.from(text, 'latin1');
    await writeFile(join(dir, 'latin1.txt'), latin1('fine\ncaf\u00e9 cr\u00e8me\n'));
    await writeFile(join(dir, 'latin1.csv'), latin1('prompt\nok\n"two\nlines"\ncaf\u00e9\n'));
    await writeFile(join(dir, 'latin1.jsonl'), latin1('{"prompt":"caf\u00e9"}\n'));
    await expect(readPromptFile(join(dir, 'latin1.txt'), 'prompt')).rejects.toThrow(
      `${join(dir, 'latin1.txt')}: line 2 is not valid UTF-8 text; prompts must be UTF-8 (convert e.g. with iconv -f latin1 -t utf-8)`,
    );
    await expect(readPromptFile(join(dir, 'latin1.csv'), 'prompt')).rejects.toThrow(`${join(dir, 'latin1.csv')}: line 5 is not valid UTF-8`);
    await expect(readPromptFile(join(dir, 'latin1.jsonl'), 'prompt')).rejects.toThrow(`${join(dir, 'latin1.jsonl')}: line 1 is not valid UTF-8`);
    await expect(readPromptFile(process.execPath, 'prompt')).rejects.toThrow(/: line \d+ is not valid UTF-8/);
  });

  it('calibrate --prompts with a Latin-1 file exits 2 with one line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'routellm-prompts-'));
    await writeFile(join(dir, 'latin1.txt'), Buffer.from('caf\u00e9\n', 'latin1'));
    const result = await runCliInProcess(['calibrate', '--routers', 'random', '--strong-model-pct', '0.5', '--prompts', 'latin1.txt', '--cache-dir', join(dir, 'cache')], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`routellm: ${join(dir, 'latin1.txt')}: line 1 is not valid UTF-8 text; prompts must be UTF-8 (convert e.g. with iconv -f latin1 -t utf-8)\n`);
  });
});

describe('calibration table', () => {
  const rates = Array.from({ length: 101 }, (_, i) => i / 100);
  const table = buildCalibrationTable({ source: 'test', n: 101, rates: [{ router: fixed('lin', 'lin:1'), rates }], levels: 11 });

  it('holds the quantile grid and reads thresholds off it', () => {
    expect(validateCalibrationTable(JSON.parse(JSON.stringify(table)))).toEqual(table);
    const entry = table.routers['lin']!;
    expect(entry.quantiles).toHaveLength(11);
    expect(thresholdFromEntry(entry, 0.5)).toBeCloseTo(0.5, 12);
    expect(thresholdFromEntry(entry, 0.25)).toBeCloseTo(0.75, 12);
    expect(thresholdFromEntry(entry, 0.05)).toBeCloseTo(0.95, 12);
  });

  it('refuses malformed tables with a reason', () => {
    expect(validateCalibrationTable([])).toBe('not a JSON object');
    expect(validateCalibrationTable({ ...table, format: 'x' })).toMatch(/^format "x"/);
    const broken = { ...table, routers: { lin: { fingerprint: 'lin:1', n: 2, quantiles: [0.5, 0.2] } } };
    expect(validateCalibrationTable(broken)).toBe('router "lin": quantiles must be non-decreasing numbers in [0, 1]');
  });

  it('resolves shares only for routers whose fingerprint matches', () => {
    const shipped = [{ table, source: 'shipped' as const }];
    const resolve = shareResolverFromTables(shipped, new Map([['lin', fixed('lin', 'lin:1')]]));
    expect(resolve('lin', 0.5)).toBeCloseTo(0.5, 12);
    expect(() => resolve('other', 0.5)).toThrow('the shipped calibration table has no router "other"; make one for your router');
    const stale = shareResolverFromTables(shipped, new Map([['lin', fixed('lin', 'lin:2')]]));
    // Guidance for a router of one's own: a table of one's own, never regenerating the shipped one.
    expect(() => stale('lin', 0.5)).toThrow(
      'the shipped calibration table was made for router "lin" with other weights or options; make one for your router with ' +
        'routellm calibrate --write-table --routers lin --prompts YOUR_PROMPTS --table mine.json (and the same --config), ' +
        'then set ROUTELLM_CALIBRATION_TABLE=mine.json; or give a threshold in [0, 1]',
    );
  });
});

describe('findTableEntry', () => {
  const lin = buildCalibrationTable({ source: 'test', n: 3, rates: [{ router: fixed('lin', 'lin:1'), rates: [0.1, 0.5, 0.9] }], levels: 3 });
  const other = buildCalibrationTable({ source: 'test', n: 3, rates: [{ router: fixed('other', 'other:1'), rates: [0.1, 0.2, 0.3] }], levels: 3 });

  it('falls back past a table that lacks the router, and names a custom table by its label when given one', () => {
    const tables = [{ table: other, source: 'custom' as const, label: 'the calibration table in --table' }, { table: lin, source: 'shipped' as const }];
    expect(findTableEntry(tables, 'lin', fixed('lin', 'lin:1'))).toEqual(lin.routers['lin']);
    expect(findTableEntry(tables, 'nope', undefined, 'calibrate on them directly with --prompts YOUR_PROMPTS')).toEqual({
      problem:
        'the calibration table in --table and the shipped calibration table have no router "nope"; make one for your router with ' +
        'routellm calibrate --write-table --routers nope --prompts YOUR_PROMPTS --table mine.json (and the same --config), ' +
        'then set ROUTELLM_CALIBRATION_TABLE=mine.json; or calibrate on them directly with --prompts YOUR_PROMPTS',
    });
  });
});

describe('router-<r>-50% through buildDecider', () => {
  async function datasets(content: string | undefined) {
    const dir = await mkdtemp(join(tmpdir(), 'routellm-datasets-'));
    if (content !== undefined) {
      await mkdir(join(dir, 'calibration'), { recursive: true });
      await writeFile(shippedTablePath(dir), content);
    }
    return { ...nodeRouterContext({ env: {} }), datasetsDir: dir };
  }
  // A router whose options change its fingerprint, as weights of the user's own do.
  const tunedFactory: RouterFactory = {
    name: 'tuned',
    description: 'a test router: option level changes its fingerprint',
    offline: true,
    create: (options) => fixed('tuned', `tuned:${String(options['level'] ?? 0)}`),
  };
  const registry = new RouterRegistry().register(randomRouterFactory).register(tunedFactory);
  const pair = { strong: 'S', weak: 'W' };
  const random = createRandomRouter();
  const table = buildCalibrationTable({
    source: 't',
    n: 3,
    rates: [
      { router: random, rates: [0.2, 0.4, 0.9] },
      { router: fixed('tuned', 'tuned:0'), rates: [0.2, 0.4, 0.9] },
    ],
    levels: 3,
  });

  it('uses the shipped table by default', async () => {
    const context = await datasets(JSON.stringify(table));
    const controller = await buildDecider({ registry, routers: ['random'], pair, config: EMPTY_CONFIG, context });
    expect(controller.resolveModel('router-random-50%').threshold).toBe(0.4);
    expect(controller.resolveModel('router-random-0.3').threshold).toBe(0.3);
  });

  it('without a table, shares are refused by the Decider', async () => {
    const context = await datasets(undefined);
    expect((await loadShareTables(new Map(), context)).resolveShare).toBeUndefined();
    const controller = await buildDecider({ registry, routers: ['random'], pair, config: EMPTY_CONFIG, context });
    expect(() => controller.resolveModel('router-random-50%')).toThrow('no calibration table for router "random"');
  });

  it('a broken table refuses shares with the reason, and numeric thresholds still work', async () => {
    const context = await datasets('{oops');
    const controller = await buildDecider({ registry, routers: ['random'], pair, config: EMPTY_CONFIG, context });
    expect(() => controller.resolveModel('router-random-50%')).toThrow('is unusable (not valid JSON)');
    expect(controller.resolveModel('router-random-0.7').threshold).toBe(0.7);
  });

  it('$ROUTELLM_CALIBRATION_TABLE replaces the shipped table; a missing one is refused with the reason', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'routellm-own-table-'));
    const own = buildCalibrationTable({ source: 'mine', n: 3, rates: [{ router: random, rates: [0.1, 0.2, 0.3] }], levels: 3 });
    await writeFile(join(dir, 'own.json'), JSON.stringify(own));
    const shipped = await datasets(JSON.stringify(table));
    const context = { ...shipped, env: { ROUTELLM_CALIBRATION_TABLE: join(dir, 'own.json') } };
    const controller = await buildDecider({ registry, routers: ['random'], pair, config: EMPTY_CONFIG, context });
    expect(controller.resolveModel('router-random-50%').threshold).toBe(0.2);
    const missing = { ...shipped, env: { ROUTELLM_CALIBRATION_TABLE: join(dir, 'nope.json') } };
    const problems: string[] = [];
    const refusing = await buildDecider({ registry, routers: ['random'], pair, config: EMPTY_CONFIG, context: missing, onShareProblem: (line) => problems.push(line) });
    expect(() => refusing.resolveModel('router-random-50%')).toThrow('the calibration table in ROUTELLM_CALIBRATION_TABLE is unusable (file not found)');
    expect(() => refusing.resolveModel('router-random-50%')).not.toThrow(dir);
    // The start-up line, for the operator, names the path.
    expect(problems).toEqual([expect.stringContaining(`shares like router-random-50% will be refused: the calibration table in ROUTELLM_CALIBRATION_TABLE is unusable (file not found)`)]);
    expect(problems[0]).toContain(join(dir, 'nope.json'));
  });

  it('a router $ROUTELLM_CALIBRATION_TABLE lacks falls back to the shipped table when its fingerprint matches', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'routellm-own-table-'));
    // The own table covers "other" only (another router of the user's).
    const other = fixed('other', 'other:1');
    const own = buildCalibrationTable({ source: 'mine', n: 3, rates: [{ router: other, rates: [0.1, 0.2, 0.3] }], levels: 3 });
    await writeFile(join(dir, 'own.json'), JSON.stringify(own));
    const context = { ...(await datasets(JSON.stringify(table))), env: { ROUTELLM_CALIBRATION_TABLE: join(dir, 'own.json') } };
    const problems: string[] = [];
    const controller = await buildDecider({ registry, routers: ['random'], pair, config: EMPTY_CONFIG, context, onShareProblem: (line) => problems.push(line) });
    expect(controller.resolveModel('router-random-50%').threshold).toBe(0.4);
    expect(problems).toEqual([]);
    // With other options, the shipped entry does not fit either: refused, and said once at start-up.
    const tuned = await buildDecider({ registry, routers: ['tuned'], pair, config: { routers: { tuned: { level: 3 } }, path: 'x.yaml' }, context, onShareProblem: (line) => problems.push(line) });
    expect(() => tuned.resolveModel('router-tuned-50%')).toThrow('the shipped calibration table was made for router "tuned" with other weights or options; make one for your router');
    expect(problems).toHaveLength(1);
  });

  it('a table made with other options (fingerprint) is refused', async () => {
    const context = await datasets(JSON.stringify(table));
    const controller = await buildDecider({
      registry,
      routers: ['tuned'],
      pair,
      config: { routers: { tuned: { level: 3 } }, path: 'x.yaml' },
      context,
    });
    expect(() => controller.resolveModel('router-tuned-50%')).toThrow('with other weights or options');
  });

  it('a seed does not change what random\'s shares mean: random: {seed: 42} keeps router-random-50%', async () => {
    const context = await datasets(JSON.stringify(table));
    const problems: string[] = [];
    const controller = await buildDecider({ registry, routers: ['random'], pair, config: { routers: { random: { seed: 42 } }, path: 'x.yaml' }, context, onShareProblem: (line) => problems.push(line) });
    expect(controller.resolveModel('router-random-50%').threshold).toBe(0.4);
    expect(problems).toEqual([]);
  });
});
