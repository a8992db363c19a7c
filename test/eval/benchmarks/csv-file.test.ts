import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCsvBenchmark } from '../../../src/eval/benchmarks/csv-file.js';
import { modelScore } from '../../../src/eval/metrics/paired-scores.js';

async function csv(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'routellm-csv-'));
  const file = join(dir, 'data.csv');
  await writeFile(file, text);
  return file;
}

describe('loadCsvBenchmark', () => {
  it('True/False columns score as percentages with the fractional optimal budget', async () => {
    const file = await csv('prompt,a,b\nx,True,false\ny,TRUE,True\n');
    const data = await loadCsvBenchmark(file, { strongModel: 'a', weakModel: 'b' });
    expect(data.name).toBe('data');
    expect(data.prompts).toEqual(['x', 'y']);
    expect(data.scores).toMatchObject({ scale: 100, optimalBudget: 'fractional', rowsPerItem: 1 });
    expect(modelScore(data.scores, 'strong')).toBe(100);
    expect(modelScore(data.scores, 'weak')).toBe(50);
  });

  it('numeric columns (e.g. RouterBench 0.0/1.0 or judge scores) score as plain means', async () => {
    const file = await csv('prompt,a,b\nx,9,7.5\ny,0.5,1\n');
    const data = await loadCsvBenchmark(file, { strongModel: 'a', weakModel: 'b' });
    expect(data.scores).toMatchObject({ scale: 1, optimalBudget: 'whole' });
    expect(modelScore(data.scores, 'strong')).toBe(4.75);
    expect(modelScore(data.scores, 'weak')).toBe(4.25);
  });

  it.each([
    ['prompt,a,b\nx,True,\n', 'record 2, column "b": expected True/False or a number, got ""'],
    ['prompt,a\nx,True\n', 'no column "b" (name the model columns with --weak-model); columns are: prompt, a'],
    ['text,a,b\nx,1,0\n', 'no column "prompt"; columns are: text, a, b'],
    ['prompt,a,b\n', 'no rows'],
    ['prompt,a,b\n"x,1,0\n', 'malformed CSV'],
  ])('refuses %j', async (text, message) => {
    const file = await csv(text);
    await expect(loadCsvBenchmark(file, { strongModel: 'a', weakModel: 'b' })).rejects.toThrow(message);
  });
});
