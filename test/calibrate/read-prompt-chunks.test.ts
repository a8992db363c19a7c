import { mkdtemp, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPromptChunks } from '../../src/calibrate/read-prompt-file.js';

const prompts = Array.from({ length: 10_000 }, (_, i) => (i % 7 === 0 ? `prompt ${i}\nover two lines, "quoted"` : `prompt ${i}`));

describe('readPromptChunks', () => {
  it.each([
    ['p.csv', `id,prompt\n${prompts.map((p, i) => `${i},"${p.replaceAll('"', '""')}"`).join('\n')}\n`],
    ['p.jsonl', `${prompts.map((p) => JSON.stringify({ prompt: p })).join('\n')}\n`],
    ['p.txt', `${prompts.filter((p) => !p.includes('\n')).join('\n')}\n`],
  ])('streams %s in chunks of at most 4096 prompts, in order, to its last byte', async (name, content) => {
    const dir = await mkdtemp(join(tmpdir(), 'routellm-chunks-'));
    const path = join(dir, name);
    await writeFile(path, content);
    const chunks = [];
    for await (const chunk of readPromptChunks(path, 'prompt')) chunks.push(chunk);
    const expected = name.endsWith('.txt') ? prompts.filter((p) => !p.includes('\n')) : prompts;
    expect(chunks.flatMap((chunk) => chunk.prompts)).toEqual(expected);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((chunk) => chunk.prompts.length <= 4096)).toBe(true);
    expect(chunks.at(-1)!.bytesRead).toBe((await stat(path)).size);
  });

  it('reads a CSV of one column (no delimiter to detect), skipping empty prompts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'routellm-chunks-'));
    await writeFile(join(dir, 'one.csv'), 'prompt\nfirst\n""\nsecond\n');
    const chunks = [];
    for await (const chunk of readPromptChunks(join(dir, 'one.csv'), 'prompt')) chunks.push(...chunk.prompts);
    expect(chunks).toEqual(['first', 'second']);
  });

  it('names the record of a malformed CSV row far into the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'routellm-chunks-'));
    const rows = Array.from({ length: 6000 }, (_, i) => `${i},prompt ${i}`);
    rows[5000] = '5000,"never closed';
    await writeFile(join(dir, 'bad.csv'), `id,prompt\n${rows.join('\n')}\n`);
    const read = async () => {
      for await (const _chunk of readPromptChunks(join(dir, 'bad.csv'), 'prompt')) continue;
    };
    // Record 5002: the header is record 1, row 5000 (from 0) the 5002nd.
    await expect(read()).rejects.toThrow(/bad\.csv: record 5002: malformed CSV: Quoted field unterminated/);
  });
});
