import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/index.js';
import { rotatedPath, SampleFile } from '../../../src/server/sample/sample-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'routellm-sample-file-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const line = (n: number, pad = 0) => `${JSON.stringify({ prompt: `p${String(n).padStart(3, '0')}${'x'.repeat(pad)}` })}\n`;

describe('SampleFile', () => {
  it('appends whole lines in the background, owner-only, and writes what is queued on close', async () => {
    const path = join(dir, 'deep', 'samples.jsonl');
    const file = await SampleFile.open(path, { maxBytes: 1 << 30 });
    for (let n = 0; n < 100; n += 1) file.push(line(n));
    // push queues only: nothing is on disk yet.
    expect(file.queued).toBe(100);
    await file.close();
    const text = await readFile(path, 'utf8');
    expect(text.split('\n').filter(Boolean).map((l) => JSON.parse(l).prompt)).toEqual(Array.from({ length: 100 }, (_, n) => `p${String(n).padStart(3, '0')}`));
    expect(file.counts()).toEqual({ written: 100, droppedQueueFull: 0, droppedWriteError: 0, rotations: 0 });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('drops lines past the queue bound and counts them, never holding more', async () => {
    const path = join(dir, 'samples.jsonl');
    const file = await SampleFile.open(path, { maxBytes: 1 << 30, queueBytes: 10 * line(0).length });
    for (let n = 0; n < 25; n += 1) file.push(line(n));
    expect(file.queued).toBe(10);
    await file.close();
    expect(file.counts()).toMatchObject({ written: 10, droppedQueueFull: 15 });
    expect((await readFile(path, 'utf8')).split('\n').filter(Boolean)).toHaveLength(10);
  });

  it('rotates past the size cap: samples.1.jsonl is the newest old file, five are kept, every file holds whole lines', async () => {
    const path = join(dir, 'samples.jsonl');
    const one = line(0, 80).length;
    const file = await SampleFile.open(path, { maxBytes: one * 3 });
    // Written in two bursts: a batch takes what fits under the cap, then the file rotates.
    for (let n = 0; n < 14; n += 1) file.push(line(n, 80));
    await file.flush();
    expect(file.queued).toBe(0);
    for (let n = 14; n < 30; n += 1) file.push(line(n, 80));
    await file.close();
    const names = (await readdir(dir)).sort();
    expect(names).toEqual(['samples.1.jsonl', 'samples.2.jsonl', 'samples.3.jsonl', 'samples.4.jsonl', 'samples.5.jsonl', 'samples.jsonl']);
    expect(file.counts().rotations).toBe(9);
    for (const name of names) {
      const text = await readFile(join(dir, name), 'utf8');
      expect(text.endsWith('\n')).toBe(true);
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(one * 3);
      for (const l of text.split('\n').filter(Boolean)) expect(() => JSON.parse(l)).not.toThrow();
    }
    expect(JSON.parse((await readFile(path, 'utf8')).split('\n')[0] as string).prompt).toMatch(/^p027x/);
    expect(JSON.parse((await readFile(rotatedPath(path, 1), 'utf8')).split('\n')[0] as string).prompt).toMatch(/^p024x/);
  });

  it('cuts a torn last line a crash left, so the next line starts a line of its own', async () => {
    const path = join(dir, 'samples.jsonl');
    await writeFile(path, `${line(1)}{"prompt":"cut sh`);
    const file = await SampleFile.open(path, { maxBytes: 1 << 30 });
    file.push(line(2));
    await file.close();
    expect(await readFile(path, 'utf8')).toBe(`${line(1)}${line(2)}`);
  });

  it('refuses a path it cannot write with a UsageError naming it', async () => {
    await writeFile(join(dir, 'plain'), 'x');
    await expect(SampleFile.open(join(dir, 'plain', 'samples.jsonl'), { maxBytes: 1 })).rejects.toThrow(UsageError);
    await expect(SampleFile.open(join(dir, 'plain', 'samples.jsonl'), { maxBytes: 1 })).rejects.toThrow(/--sample-prompts: cannot write .*plain\/samples\.jsonl/);
    await expect(SampleFile.open(dir, { maxBytes: 1 })).rejects.toThrow(/cannot write/);
  });

  it('names rotated files with the number before the extension', () => {
    expect(rotatedPath('/a/samples.jsonl', 2)).toBe('/a/samples.2.jsonl');
    expect(rotatedPath('/a/samples', 1)).toBe('/a/samples.1');
  });
});
