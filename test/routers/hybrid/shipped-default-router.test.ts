import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createBuiltinRegistry } from '../../../src/routers/builtin-registry.js';
import { DEFAULT_ROUTER } from '../../../src/routers/default-router.js';
import { nodeRouterContext } from '../../../src/runtime/node-router-context.js';
import { sharedDatasetsWith } from '../../eval/helpers/shared-data.js';
import { runCliInProcess } from '../../helpers/run-cli-in-process.js';

const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const prompt = 'Prove that there are infinitely many primes, then write a Python function that lists the first n.';
const mcPrompt = 'Which gas makes up most of the atmosphere of Mars?\nA. Nitrogen\nB. Carbon dioxide\nC. Argon\nD. Oxygen\nAnswer:';

describe('the shipped default router', () => {
  it('is difficulty; it and hybrid, mf, lexical load offline with no options and score the same prompt the same every time', async () => {
    expect(DEFAULT_ROUTER).toBe('difficulty');
    const registry = createBuiltinRegistry();
    const context = nodeRouterContext({ env: {} });
    for (const name of ['difficulty', 'hybrid', 'mf', 'lexical']) {
      expect(registry.get(name).offline).toBe(true);
      const first = await registry.get(name).create({}, context);
      const second = await registry.get(name).create({}, context);
      for (const text of [prompt, mcPrompt]) {
        const a = await first.strongWinRate(text);
        expect(a).toBeGreaterThan(0);
        expect(a).toBeLessThan(1);
        expect(await first.strongWinRate(text)).toBe(a);
        expect(await second.strongWinRate(text)).toBe(a);
      }
      expect(second.fingerprint).toBe(first.fingerprint);
      expect(await first.strongWinRate('hi')).not.toBe(await first.strongWinRate(prompt));
    }
  });

  it('hybrid sends multiple-choice questions to lexical and everything else to mf', async () => {
    const context = nodeRouterContext({ env: {} });
    const registry = createBuiltinRegistry();
    const [hybrid, mf, lexical] = await Promise.all(['hybrid', 'mf', 'lexical'].map((n) => registry.get(n).create({}, context)));
    expect(await hybrid!.strongWinRate(prompt)).toBe(await mf!.strongWinRate(prompt));
    expect(await hybrid!.strongWinRate(mcPrompt)).toBe(await lexical!.strongWinRate(mcPrompt));
    expect(await hybrid!.strongWinRate(mcPrompt)).not.toBe(await mf!.strongWinRate(mcPrompt));
    expect(await hybrid!.strongWinRates!([prompt, mcPrompt, 'hi'])).toEqual([
      await mf!.strongWinRate(prompt),
      await lexical!.strongWinRate(mcPrompt),
      await mf!.strongWinRate('hi'),
    ]);
  });

  it('routes from the CLI with no network and no API key', async () => {
    const result = await runCliInProcess(['route', '--json', prompt], { env: {} });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ router: 'difficulty' });
  });
});

// The shipped weights must be what `npm run train:default` produces from the shared data.
const sharedDatasets = () => sharedDatasetsWith(join('routellm', 'mmlu'), 'routerbench');

describe.skipIf(!sharedDatasets())('npm run train:default', () => {
  it('reproduces datasets/mf, datasets/lexical and datasets/difficulty byte for byte', { timeout: 300_000 }, async () => {
    const data = sharedDatasets()!;
    const pkg = JSON.parse(await readFile(join(PACKAGE_ROOT, 'package.json'), 'utf8'));
    const script: string = pkg.scripts['train:default'];
    const out = await mkdtemp(join(tmpdir(), 'train-default-'));
    try {
      const mmlu = join(data, 'routellm', 'mmlu', 'responses');
      const { readdir } = await import('node:fs/promises');
      const mmluFiles = (await readdir(mmlu)).filter((f) => f.endsWith('.csv')).sort().map((f) => join(mmlu, f));
      // Each `routellm train` of the script, with the shared data's location and a temporary --out.
      const commands = script.split(' && ').filter((c) => c.startsWith('node bin/routellm.js train '));
      expect(commands.map((c) => c.match(/--router (\S+)/)?.[1])).toEqual(['mf', 'lexical', 'difficulty']);
      for (const command of commands) {
        const args = command
          .replace(/^node bin\/routellm\.js /, '')
          .replaceAll('../shared/datasets', data)
          .split(' ')
          .flatMap((arg) => (arg.endsWith('*.csv') ? mmluFiles : [arg]));
        const shippedDir = args[args.indexOf('--out') + 1]!;
        const freshDir = join(out, shippedDir);
        args[args.indexOf('--out') + 1] = freshDir;
        const result = await runCliInProcess(args, { env: {} });
        expect(result.code, result.stderr).toBe(0);
        expect(result.stderr).toMatch(/epoch 40\/40|L-BFGS stopped after \d+ iterations|iteration 500: loss/);
        for (const file of ['model.safetensors', 'config.json']) {
          const [fresh, shipped] = await Promise.all([readFile(join(freshDir, file)), readFile(join(PACKAGE_ROOT, shippedDir, file))]);
          expect(Buffer.compare(fresh, shipped), `${shippedDir}/${file}`).toBe(0);
        }
      }
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
