import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { startLabelUpstreams, type LabelUpstreams } from '../helpers/label-upstreams.js';

let fakes: LabelUpstreams | undefined;
afterEach(async () => {
  await fakes?.close();
  fakes = undefined;
});

/** Runs label with a stderr that says it is a terminal (with colours, unless told), collecting what is drawn on it. */
async function labelOnTerminal(env: Record<string, string>, hasColors = true) {
  fakes = await startLabelUpstreams();
  const prompts = join(fakes.dir, 'prompts.txt');
  await writeFile(prompts, 'one\ntwo\nthree\n');
  const chunks: Buffer[] = [];
  const stderr = Object.assign(new PassThrough(), { isTTY: true as const, columns: 120, rows: 30, hasColors: () => hasColors });
  // The colour decision reads the command's own env (NO_COLOR, FORCE_COLOR), not this process's.
  stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
  const stdout = new PassThrough();
  stdout.resume();
  const code = await runCli(['label', '--prompts', prompts, '--out', join(fakes.dir, 'b.jsonl'), ...fakes.flags], { stdin: Readable.from([]), stdout, stderr, env, cwd: fakes.dir, fetch: globalThis.fetch });
  return { code, stderr: Buffer.concat(chunks).toString('utf8') };
}

const COLOUR = /\u001b\[(3\d|2)m/;

describe('routellm label progress on a terminal', () => {
  it('draws a live display with ink, in colour', async () => {
    const result = await labelOnTerminal({});
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('█');
    expect(result.stderr).toMatch(/3 labelled, 0 failed, 0 in flight \(limit 8\)/);
    expect(result.stderr).not.toContain('label: 1/3 labelled');
    expect(result.stderr).toMatch(COLOUR);
  });

  it('draws it without colour under NO_COLOR or FORCE_COLOR=0', async () => {
    for (const env of [{ NO_COLOR: '1' }, { FORCE_COLOR: '0' }] as Record<string, string>[]) {
      const result = await labelOnTerminal(env);
      expect(result.code).toBe(0);
      expect(result.stderr).toContain('█');
      expect(result.stderr).not.toMatch(COLOUR);
      await fakes?.close();
      fakes = undefined;
    }
  });

  it('draws it in colour under FORCE_COLOR even where the terminal says it has none', async () => {
    expect((await labelOnTerminal({}, false)).stderr).not.toMatch(COLOUR);
    await fakes?.close();
    const result = await labelOnTerminal({ FORCE_COLOR: '1' }, false);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(COLOUR);
  });

  it('prints plain lines under CI even on a terminal', async () => {
    const result = await labelOnTerminal({ CI: 'true' });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('label: 3/3 labelled, 0 failed');
    expect(result.stderr).not.toContain('█');
  });
});
