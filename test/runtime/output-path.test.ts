import { chmod, mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkInputFile, checkOutputDirectory, checkOutputFile, checkOutputFiles, fsErrorReason } from '../../src/runtime/output-path.js';
import { writeFilesAtomic } from '../../src/runtime/write-file-atomic.js';

const root = process.getuid?.() === 0;

async function scratch() {
  const dir = await mkdtemp(join(tmpdir(), 'routellm-output-path-'));
  await writeFile(join(dir, 'file.csv'), 'x\n');
  await mkdir(join(dir, 'sub'));
  return dir;
}

describe('output path checks', () => {
  it('accepts an existing directory, a new one under a directory, and a new file', async () => {
    const dir = await scratch();
    await checkOutputDirectory(join(dir, 'sub'), '--output');
    await checkOutputDirectory(join(dir, 'new', 'deeper'), '--output');
    await checkOutputFile(join(dir, 'new', 'table.json'), '--table');
    await checkOutputFile(join(dir, 'file.csv'), '--table');
    // Checking creates nothing.
    expect((await readdir(dir)).sort()).toEqual(['file.csv', 'sub']);
  });

  it('says in one sentence what is wrong, naming the flag', async () => {
    const dir = await scratch();
    const file = join(dir, 'file.csv');
    await expect(checkOutputDirectory(file, '--output')).rejects.toThrow(`cannot write --output ${file}: not a directory`);
    await expect(checkOutputDirectory(join(file, 'x'), '--out')).rejects.toThrow(`cannot write --out ${join(file, 'x')}: ${file} is not a directory`);
    await expect(checkOutputFile(join(dir, 'sub'), '--table')).rejects.toThrow(`cannot write --table ${join(dir, 'sub')}: it is a directory`);
    await expect(checkOutputFile(join(file, 'x.json'), '--table')).rejects.toThrow(`cannot write --table ${join(file, 'x.json')}: ${file} is not a directory`);
    await mkdir(join(dir, 'out', 'mine.png'), { recursive: true });
    await expect(checkOutputFiles(join(dir, 'out'), ['mine.svg', 'mine.png'], '--output')).rejects.toThrow(`${join(dir, 'out', 'mine.png')} is a directory`);
    await expect(checkInputFile(dir, `--prompts ${dir}`)).rejects.toThrow(`cannot read --prompts ${dir}: it is a directory, not a file`);
    // Missing is said as every other failure is: the flag, the path as given, the reason.
    await expect(checkInputFile(join(dir, 'nope'), '--prompts nope')).rejects.toThrow(/^cannot read --prompts nope: no such file or directory$/);
    expect(fsErrorReason(Object.assign(new Error('x'), { code: 'EISDIR' }))).toBe('it is a directory');
  });

  it.skipIf(root)('refuses a read-only directory and an unreadable file', async () => {
    const dir = await scratch();
    await chmod(join(dir, 'sub'), 0o555);
    await chmod(join(dir, 'file.csv'), 0o000);
    await expect(checkOutputDirectory(join(dir, 'sub'), '--output')).rejects.toThrow('permission denied');
    await expect(checkOutputFile(join(dir, 'sub', 't.json'), '--table')).rejects.toThrow(`${join(dir, 'sub')} is not writable (permission denied)`);
    await expect(checkInputFile(join(dir, 'file.csv'), '--prompts file.csv')).rejects.toThrow('cannot read --prompts file.csv: permission denied');
  });
});

describe('writeFilesAtomic', () => {
  it('renames nothing when one file of the set cannot be written, and leaves no temporary file', async () => {
    const dir = await scratch();
    await writeFile(join(dir, 'sub', 'a.txt'), 'old a');
    // The second name's directory does not exist: its write fails after the first succeeded.
    await expect(writeFilesAtomic(join(dir, 'sub'), [['a.txt', 'new a'], ['missing/b.txt', 'new b']])).rejects.toThrow();
    expect(await readFile(join(dir, 'sub', 'a.txt'), 'utf8')).toBe('old a');
    expect(await readdir(join(dir, 'sub'))).toEqual(['a.txt']);
    const paths = await writeFilesAtomic(join(dir, 'sub'), [['a.txt', 'new a'], ['b.txt', 'new b']]);
    expect(paths).toEqual([join(dir, 'sub', 'a.txt'), join(dir, 'sub', 'b.txt')]);
    expect(await readFile(join(dir, 'sub', 'a.txt'), 'utf8')).toBe('new a');
  });
});
