import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/index.js';
import { readUtf8Lines } from '../../src/runtime/read-utf8-lines.js';

async function lines(chunks: Array<Uint8Array | string>) {
  const out: Array<[number, string]> = [];
  for await (const { line, text } of readUtf8Lines(chunks, (n) => `in line ${n}`)) out.push([line, text]);
  return out;
}

describe('readUtf8Lines', () => {
  it('splits on LF and CRLF, keeps blank lines numbered, and yields a last line without a terminator', async () => {
    expect(await lines(['a\r\n\nb', 'c\nlast'])).toEqual([
      [1, 'a'],
      [2, ''],
      [3, 'bc'],
      [4, 'last'],
    ]);
    expect(await lines(['x\n'])).toEqual([[1, 'x']]);
    expect(await lines([])).toEqual([]);
  });

  it('joins a character split across chunks', async () => {
    const bytes = Buffer.from('crème\nbrûlée\n');
    const chunks = Array.from(bytes, (byte) => Uint8Array.of(byte));
    expect(await lines(chunks)).toEqual([
      [1, 'crème'],
      [2, 'brûlée'],
    ]);
  });

  it('names the first line that is not UTF-8', async () => {
    const input = [Buffer.from('fine\n'), Uint8Array.of(0x63, 0x61, 0x66, 0xe9, 0x0a), Buffer.from('never read\n')];
    await expect(lines(input)).rejects.toThrow(UsageError);
    await expect(lines(input)).rejects.toThrow(/^in line 2 is not valid UTF-8 text/);
    // A truncated sequence at the very end is invalid too.
    await expect(lines([Uint8Array.of(0x61, 0xc3)])).rejects.toThrow(/^in line 1 is not valid UTF-8/);
  });
});
