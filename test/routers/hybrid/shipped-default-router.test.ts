import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createBuiltinRegistry } from '../../../src/routers/builtin-registry.js';
import { DEFAULT_ROUTER } from '../../../src/routers/default-router.js';
import { datasetsDir } from '../../../src/runtime/package-paths.js';
import { nodeRouterContext } from '../../../src/runtime/node-router-context.js';
import { runCliInProcess } from '../../helpers/run-cli-in-process.js';

const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const prompt = 'Prove that there are infinitely many primes, then write a Python function that lists the first n.';

describe('the shipped default router', () => {
  it('is mf, loads offline with no options, and scores the same prompt the same every time', async () => {
    expect(DEFAULT_ROUTER).toBe('mf');
    const registry = createBuiltinRegistry();
    expect(registry.get('mf').offline).toBe(true);
    const context = nodeRouterContext({ env: {} });
    const first = await registry.get('mf').create({}, context);
    const second = await registry.get('mf').create({}, context);
    const a = await first.strongWinRate(prompt);
    expect(a).toBeGreaterThan(0);
    expect(a).toBeLessThan(1);
    expect(await first.strongWinRate(prompt)).toBe(a);
    expect(await second.strongWinRate(prompt)).toBe(a);
    expect(second.fingerprint).toBe(first.fingerprint);
    expect(await first.strongWinRate('hi')).not.toBe(a);
  });

  it('routes from the CLI with no network and no API key', async () => {
    const result = await runCliInProcess(['route', '--json', prompt], { env: {} });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ router: 'mf' });
  });
});

// The shipped weights must be what `npm run train:default` produces from the shared data.
function sharedDatasets(): string | undefined {
  const given = process.env['ROUTELLM_DATA'];
  const candidates = given ? [dirname(resolve(given)), resolve(given)] : [join(PACKAGE_ROOT, '..', 'shared', 'datasets')];
  const found = candidates.find((d) => existsSync(join(d, 'routellm', 'mmlu')) && existsSync(join(d, 'routerbench')));
  if (!found && process.env['CI']) throw new Error(`shared datasets not found (looked in ${candidates.join(', ')}); set ROUTELLM_DATA`);
  return found;
}

describe.skipIf(!sharedDatasets())('npm run train:default', () => {
  it('reproduces datasets/mf/model.safetensors byte for byte', { timeout: 120_000 }, async () => {
    const data = sharedDatasets()!;
    const pkg = JSON.parse(await readFile(join(PACKAGE_ROOT, 'package.json'), 'utf8'));
    const script: string = pkg.scripts['train:default'];
    const out = await mkdtemp(join(tmpdir(), 'train-default-'));
    try {
      const mmlu = join(data, 'routellm', 'mmlu', 'responses');
      const { readdir } = await import('node:fs/promises');
      const mmluFiles = (await readdir(mmlu)).filter((f) => f.endsWith('.csv')).sort().map((f) => join(mmlu, f));
      // The script's arguments, with the shared data's location and a temporary --out.
      const args = script
        .replace(/^.*?routellm\.js /, '')
        .replaceAll('../shared/datasets', data)
        .split(' ')
        .flatMap((arg) => (arg.endsWith('*.csv') ? mmluFiles : [arg]));
      args[args.indexOf('--out') + 1] = out;
      const result = await runCliInProcess(args, { env: {} });
      expect(result.stderr).toContain('epoch 40/40');
      expect(result.code).toBe(0);
      const [fresh, shipped] = await Promise.all([readFile(join(out, 'model.safetensors')), readFile(join(datasetsDir(), 'mf', 'model.safetensors'))]);
      expect(Buffer.compare(fresh, shipped)).toBe(0);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
