import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/index.js';
import { lexicalRouterFactory } from '../../src/routers/lexical/lexical-router.js';
import { nodeRouterContext } from '../../src/runtime/node-router-context.js';
import { runCliInProcess } from '../helpers/run-cli-in-process.js';

let dir: string;

// A planted signal in multiple-choice form: on chemistry questions only the strong model is
// right; on geography questions both are, or only the weak one. Word identity is all there is.
const chemistry = ['molarity', 'enthalpy', 'titration', 'isotope', 'oxidation', 'catalyst', 'electrolyte', 'covalent', 'alkane', 'buffer'];
const geography = ['river', 'capital', 'mountain', 'border', 'island', 'desert', 'coast', 'valley', 'lake', 'plateau'];
function questions(): Array<{ prompt: string; scores: string }> {
  const out: Array<{ prompt: string; scores: string }> = [];
  for (let i = 0; i < 10; i++) {
    for (let j = 0; j < 10; j++) {
      if (i === j) continue;
      out.push({ prompt: `Which statement about ${chemistry[i]} and ${chemistry[j]} is true?\nA. one\nB. two\nAnswer:`, scores: 'True,False' });
      out.push({ prompt: `Which ${geography[i]} is near the ${geography[j]}?\nA. one\nB. two\nAnswer:`, scores: (i + j) % 3 === 0 ? 'False,True' : 'True,True' });
    }
  }
  return out;
}
const rows = () => ['prompt,strong-model,weak-model', ...questions().map((q) => `"${q.prompt}",${q.scores}`)];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'train-lexical-'));
  await writeFile(join(dir, 'scores.csv'), `${rows().join('\n')}\n`);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const train = (out: string, extra: string[] = []) =>
  runCliInProcess(
    ['train', '--router', 'lexical', '--data', 'scores.csv', '--out', out, '--strong-model', 'strong-model', '--weak-model', 'weak-model', '--split', 'random', '--holdout', '0.3', '--buckets', '4096', ...extra],
    { cwd: dir },
  );

describe('routellm train --router lexical', () => {
  it('learns the planted signal on held-out prompts and writes a checkpoint the router loads', async () => {
    const result = await train('out1');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/L-BFGS stopped after \d+ iterations/);
    expect(Number(/accuracy ([\d.]+)/.exec(result.stdout)?.[1])).toBeGreaterThan(0.9);
    expect(Number(/held out APGR ([\d.]+)/.exec(result.stdout)?.[1])).toBeGreaterThan(0.7);
    const config = JSON.parse(await readFile(join(dir, 'out1', 'config.json'), 'utf8'));
    expect(config).toMatchObject({ features: 'word-1-2-fnv1a:v1', buckets: 4096, strong_model: 'strong-model', weak_model: 'weak-model' });
    expect(config.alignment).toBeUndefined();
    const card = await readFile(join(dir, 'out1', 'MODEL_CARD.md'), 'utf8');
    expect(card).toContain('embedder: `word-1-2-fnv1a:v1`');
    expect(card).toContain('optimiser=L-BFGS');
    // The held-out figure counts prompts (each one averaged target), and the card says so.
    const prompts = Number(/^held out: (\d+) prompts,/m.exec(result.stdout)?.[1]);
    expect(card).toMatch(new RegExp(`^- prompts: ${prompts}; accuracy on decisive prompts: [\\d.]+; log-loss: [\\d.]+$`, 'm'));
    expect(card).toMatch(new RegExp(`held out: ${prompts} prompts, \\d+ battles`));
    expect(card.endsWith('\n') && !card.endsWith('\n\n')).toBe(true);

    const router = await lexicalRouterFactory.create({ checkpoint_path: 'out1' }, nodeRouterContext({ env: {}, cwd: dir }));
    const unseenChemistry = 'Which statement about isotope and buffer is true?\nA. x\nB. y\nAnswer:';
    const unseenGeography = 'Which lake is near the desert?\nA. x\nB. y\nAnswer:';
    expect(await router.strongWinRate(unseenChemistry)).toBeGreaterThan(await router.strongWinRate(unseenGeography));
  });

  it('is reproducible, and --align-to maps scores onto another router without changing their order', async () => {
    await train('out2');
    await train('out3', ['--align-to', 'random']);
    const [a, b] = await Promise.all([readFile(join(dir, 'out1', 'model.safetensors')), readFile(join(dir, 'out2', 'model.safetensors'))]);
    expect(Buffer.compare(a, b)).toBe(0);
    const config = JSON.parse(await readFile(join(dir, 'out3', 'config.json'), 'utf8'));
    expect(config.alignment.router).toBe('random');
    expect(config.alignment.raw).toHaveLength(101);
    expect(config.alignment.aligned).toEqual([...config.alignment.aligned].sort((x: number, y: number) => x - y));
    const context = nodeRouterContext({ env: {}, cwd: dir });
    const [plain, aligned] = await Promise.all(['out1', 'out3'].map((out) => lexicalRouterFactory.create({ checkpoint_path: out }, context)));
    const prompts = questions().slice(0, 40).map((q) => q.prompt);
    // Same weights, so the same order; the aligned values live on the random router's scale.
    const plainRates = await Promise.all(prompts.map((p) => plain!.strongWinRate(p)));
    const alignedRates = await Promise.all(prompts.map((p) => aligned!.strongWinRate(p)));
    for (let i = 0; i < prompts.length; i++) {
      for (let j = 0; j < prompts.length; j++) {
        if (plainRates[i]! < plainRates[j]!) expect(alignedRates[i]!).toBeLessThanOrEqual(alignedRates[j]!);
      }
    }
  });

  it.each([
    [['--buckets', '1000'], /--buckets must be a power of two from 2 to 16777216 \(2\^24\), got "1000"/],
    [['--l2', '-1'], /--l2 must be a number >= 0, got "-1"/],
    [['--align-to', 'nope'], /--align-to: unknown router "nope"; available: random, difficulty, hybrid, mf, lexical/],
  ])('refuses %j with exit code 2', async (extra, message) => {
    const result = await train('bad', extra);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('refuses --align-to for other routers', async () => {
    const result = await runCliInProcess(['train', '--router', 'mf', '--data', 'scores.csv', '--out', 'x', '--align-to', 'mf'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--align-to applies to --router lexical only');
  });
});

describe('lexical checkpoints that are wrong', () => {
  const context = () => nodeRouterContext({ env: {}, cwd: dir });
  const copyWith = async (name: string, edit: (config: Record<string, unknown>) => void, weights?: Uint8Array) => {
    await train('base');
    const config = JSON.parse(await readFile(join(dir, 'base', 'config.json'), 'utf8'));
    edit(config);
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(dir, name), { recursive: true });
    await writeFile(join(dir, name, 'config.json'), JSON.stringify(config));
    await writeFile(join(dir, name, 'model.safetensors'), weights ?? (await readFile(join(dir, 'base', 'model.safetensors'))));
  };

  it('names the missing directory and the option to set', async () => {
    await expect(lexicalRouterFactory.create({ checkpoint_path: 'missing' }, context())).rejects.toThrow(ConfigError);
    await expect(lexicalRouterFactory.create({ checkpoint_path: 'missing' }, context())).rejects.toThrow(/cannot read .*missing\/model\.safetensors \(ENOENT\); set checkpoint_path/);
    await expect(lexicalRouterFactory.create({ weights: 'x' }, context())).rejects.toThrow('lexical: unknown option "weights"; known options: checkpoint_path, config_path');
  });

  it.each([
    ['a bucket count that disagrees with the tensors', (c: Record<string, unknown>) => (c['buckets'] = 2048), /tensor "weights" has shape \[4096\] but .* says 2048 buckets/],
    ['another feature version', (c: Record<string, unknown>) => (c['features'] = 'word-1-3:v9'), /"features" is "word-1-3:v9"; this version reads word-1-2-fnv1a:v1/],
    ['a malformed alignment', (c: Record<string, unknown>) => (c['alignment'] = { router: 'mf', raw: [0, 1] }), /"alignment" must be/],
  ])('rejects %s', async (_, edit, message) => {
    await copyWith('broken', edit);
    const run = lexicalRouterFactory.create({ checkpoint_path: 'broken' }, context());
    // The user's files to fix: a ConfigError, exit 2.
    await expect(run).rejects.toThrow(ConfigError);
    await expect(lexicalRouterFactory.create({ checkpoint_path: 'broken' }, context())).rejects.toThrow(message);
  });

  it('rejects weights that are not a lexical checkpoint', async () => {
    const { writeSafetensors } = await import('../../src/safetensors/write-safetensors.js');
    await copyWith('foreign', () => {}, writeSafetensors([['P.weight', { shape: [2, 2], data: new Float32Array(4) }]]));
    await expect(lexicalRouterFactory.create({ checkpoint_path: 'foreign' }, context())).rejects.toThrow(/missing tensor "weights" \(has: P\.weight\); is this a lexical checkpoint\?/);
  });
});
