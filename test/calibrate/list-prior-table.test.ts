import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readListPrior } from '../../src/calibrate/list-prior-table.js';
import { modelScorerFactory } from '../../src/routers/multi/model-scorers.js';
import { nodeRouterContext } from '../../src/runtime/node-router-context.js';
import { writeListPriorTables } from '../../src/train/write-list-prior-tables.js';
import { sharedDatasetsWith } from '../eval/helpers/shared-data.js';

const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const sharedRouterbench = () => sharedDatasetsWith(join('routerbench', 'mbpp_train.csv'));

describe.skipIf(!sharedRouterbench())('npm run calibration:lists', () => {
  it('reproduces datasets/calibration/list-prior-knn.json and list-prior-mf.json byte for byte', { timeout: 120_000 }, async () => {
    const pkg = JSON.parse(await readFile(join(PACKAGE_ROOT, 'package.json'), 'utf8'));
    expect(pkg.scripts['calibration:lists']).toContain("writeListPriorTables('../shared/datasets', 'datasets')");
    const out = await mkdtemp(join(tmpdir(), 'list-prior-'));
    try {
      await mkdir(join(out, 'calibration'));
      const written = await writeListPriorTables(sharedRouterbench()!, out);
      expect(written.map((path) => path.slice(out.length + 1))).toEqual(['calibration/list-prior-knn.json', 'calibration/list-prior-mf.json']);
      for (const name of ['knn', 'mf']) {
        const [fresh, shipped] = await Promise.all([readFile(join(out, 'calibration', `list-prior-${name}.json`)), readFile(join(PACKAGE_ROOT, 'datasets', 'calibration', `list-prior-${name}.json`))]);
        expect(Buffer.compare(fresh, shipped), name).toBe(0);
      }
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});

describe('the shipped list priors', () => {
  it('hold 400 train-half prompts for the shipped weights of knn and mf; other weights are refused in one line', async () => {
    const context = nodeRouterContext({ env: {} });
    for (const name of ['knn', 'mf']) {
      const scorer = await (await modelScorerFactory(name)).create({}, context);
      const prior = await readListPrior(scorer, context);
      if (prior === undefined || typeof prior === 'string') throw new Error(String(prior));
      expect(prior.qualities).toHaveLength(400);
      expect(prior.inputTokens).toHaveLength(400);
      expect(prior.qualities[0]).toHaveLength(11);
      expect(await readListPrior({ ...scorer, fingerprint: 'other' }, context)).toMatch(new RegExp(`list-prior-${name}\\.json was made for other weights of router "${name}"; run npm run calibration:lists$`));
    }
    const none = await readListPrior({ name: 'mine', fingerprint: 'x', models: ['a', 'b'], scores: () => Float64Array.of(0, 1) }, context);
    expect(none).toBeUndefined();
  });
});
