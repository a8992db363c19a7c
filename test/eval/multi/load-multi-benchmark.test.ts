import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMultiBenchmark } from '../../../src/eval/multi/load-multi-benchmark.js';
import { FIXTURE_MODELS, writeMultiModelCsv } from '../../helpers/multi-model-csv.js';

async function file(lines: string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'routellm-multi-'));
  const path = join(dir, 'b.csv');
  await writeFile(path, `${lines.join('\n')}\n`);
  return path;
}

describe('loadMultiBenchmark: RouterBench\'s layout', () => {
  it('reads scores and costs per model, unwraps list-literal prompts, and leaves out rows with an empty cell', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'routellm-multi-'));
    const { file: path, prompts } = await writeMultiModelCsv(dir, 'ladder.csv', { blank: 3 });
    const b = await loadMultiBenchmark(path, [...FIXTURE_MODELS]);
    expect(b.prompts).toEqual(prompts.slice(3));
    expect(b.models).toEqual(['small', 'medium', 'large']);
    expect(b.scale).toBe(100);
    expect(b.scores.length).toBe(b.prompts.length * 3);
    expect(b.costSources).toEqual(['column', 'column', 'column']);
    expect(b.costs[0]).toBeCloseTo(0.0001 * 1.3, 12);
    expect(b.notes).toContain('3 rows left out: an empty score or cost cell for one of --models');
    // A subset of the models, in the order asked.
    const two = await loadMultiBenchmark(path, ['large', 'small']);
    expect(two.prompts.length).toBe(prompts.length);
    expect([...two.scores.subarray(0, 2)]).toEqual([1, 1]);
  });

  it('prices a model without a cost column from the price table, input and output tokens from the text', async () => {
    const path = await file(['prompt,gpt-4o,gpt-4o-mini,gpt-4o|model_response', `${'x'.repeat(400)},True,False,${'y'.repeat(40)}`]);
    const b = await loadMultiBenchmark(path, ['gpt-4o-mini', 'gpt-4o']);
    expect(b.costSources).toEqual(['prices', 'prices']);
    // gpt-4o: 100 input tokens at $2.5/M + 10 output tokens at $10/M; mini has no answer column: input only.
    expect(b.costs[1]).toBeCloseTo((100 * 2.5 + 10 * 10) / 1e6, 15);
    expect(b.costs[0]).toBeCloseTo((100 * 0.15) / 1e6, 15);
    expect(b.notes.join('\n')).toContain('no answer column for gpt-4o-mini, so input tokens only');
    const priced = await loadMultiBenchmark(path, ['gpt-4o-mini', 'gpt-4o'], { 'gpt-4o': { input: 1, output: 1 } });
    expect(priced.costs[1]).toBeCloseTo(110 / 1e6, 15);
  });

  it('says what is wrong, naming file, row and column', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'routellm-multi-'));
    const { file: path } = await writeMultiModelCsv(dir);
    await expect(loadMultiBenchmark(path, ['small'])).rejects.toThrow('--models needs at least two models');
    await expect(loadMultiBenchmark(path, ['small', 'small'])).rejects.toThrow('--models names "small" twice');
    await expect(loadMultiBenchmark(path, ['small', 'huge'])).rejects.toThrow(/no score column for "huge" \(--models names columns\); the model columns are: small, medium, large$/);
    await expect(loadMultiBenchmark(await file(['prompt,a,b', 'q,True,False']), ['a', 'b'])).rejects.toThrow('no "a|total_cost" column and no price for "a"');
    await expect(loadMultiBenchmark(await file(['prompt,a,b,a|total_cost,b|total_cost', 'q,True,False,cheap,1']), ['a', 'b'])).rejects.toThrow(
      'record 2, column "a|total_cost": expected a cost in USD (a number >= 0), got "cheap"',
    );
    await expect(loadMultiBenchmark(await file(['prompt,a,b,a|total_cost,b|total_cost', 'q,yes,False,1,1']), ['a', 'b'])).rejects.toThrow('record 2, column "a": expected True/False or a number');
    await expect(loadMultiBenchmark(await file(['text,a,b']), ['a', 'b'])).rejects.toThrow('no "prompt" column');
    await expect(loadMultiBenchmark(await file(['prompt,a,b,a|total_cost,b|total_cost', 'q,,False,1,1']), ['a', 'b'])).rejects.toThrow('no row has a score and a cost for every model');
  });
});
