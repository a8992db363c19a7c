import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDifficultyData, sourceOf } from '../../src/train/read-difficulty-data.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'difficulty-data-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const options = { strongModel: 'big', weakModel: 'small', aliases: new Map([['small-v1', 'small']]), exclude: new Set(['dropped']) };

describe('readDifficultyData', () => {
  it('reads each kind of file into targets, skips excluded and empty-cell rows, and trains a repeated prompt once', async () => {
    const table = join(dir, 'scores.csv');
    await writeFile(table, 'prompt,big,small-v1\nq1,True,False\nq2,True,True\ndropped,True,False\nq3,,True\n');
    const items = join(dir, 'items_train.json');
    await writeFile(items, JSON.stringify([{ question: 'q4', scores: { a: 1, b: 0.5 } }, { question: 'q1', scores: { a: 0 } }]));
    const worked = join(dir, 'worked.jsonl');
    await writeFile(worked, ['{"question":"w1","answer":"a\\nb\\n#### 2"}', '{"question":"w2","answer":"a\\n#### 1"}'].join('\n'));
    const hard = join(dir, 'hard.jsonl');
    await writeFile(hard, '{"turns":[{"content":"h1"}]}\n');
    const examples = await readDifficultyData([table, items, worked, hard], options);
    expect(examples.map((e) => [e.prompt, e.target, e.kind])).toEqual([
      ['q1', 1, 'score-table'],
      ['q2', 0, 'score-table'],
      ['q4', 0.25, 'item-difficulty'],
      ['w1', 0.75, 'worked-problems'],
      ['w2', 0.25, 'worked-problems'],
      ['h1', 1, 'hard-prompts'],
    ]);
    expect(examples.find((e) => e.prompt === 'q4')!.source.endsWith('/items')).toBe(true);
  });

  it('refuses a score table without the pair, naming --alias', async () => {
    const table = join(dir, 'other.csv');
    await writeFile(table, 'prompt,x,y\nq,True,False\n');
    await expect(readDifficultyData([table], options)).rejects.toThrow(/columns for big and small \(see --alias\)/);
  });
});

describe('sourceOf', () => {
  it('pools ten or more files of one directory sharing a prefix, and joins train/test halves', () => {
    const many = Array.from({ length: 10 }, (_, i) => `/d/mmlu/mmlu_s${i}.csv`);
    expect(sourceOf(many[3]!, many)).toBe('mmlu/mmlu_s*');
    expect(sourceOf('/d/routerdc/arc_easy_test.json', ['/d/routerdc/arc_easy_test.json'])).toBe('routerdc/arc_easy');
  });
});
