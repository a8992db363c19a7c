import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { BIN } from '../helpers/run-cli-child.js';

/** Runs eval with a stderr that says it is a terminal, collecting what is drawn on it. */
async function evalWithTerminal(env: Record<string, string>, colours = false) {
  const dir = await mkdtemp(join(tmpdir(), 'routellm-eval-tty-'));
  const file = join(dir, 'b.csv');
  await writeFile(file, `prompt,s,w\n${Array.from({ length: 30 }, (_, i) => `p${i},True,${i % 2 ? 'True' : 'False'}`).join('\n')}\n`);
  const chunks: Buffer[] = [];
  const stderr = Object.assign(new PassThrough(), { isTTY: true as const, columns: 100, rows: 30, hasColors: () => colours });
  stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
  const stdout = new PassThrough();
  stdout.resume();
  const code = await runCli(['eval', '--benchmark', file, '--routers', 'random', '--strong-model', 's', '--weak-model', 'w', '--no-plot', '--random-iters', '2', '--cache-dir', join(dir, 'c')], {
    stdin: Readable.from([]),
    stdout,
    stderr,
    env,
    cwd: dir,
    fetch: globalThis.fetch,
  });
  return { code, stderr: Buffer.concat(chunks).toString('utf8') };
}

describe('routellm eval progress', () => {
  it('draws live progress with ink when stderr is a terminal and not CI', async () => {
    const result = await evalWithTerminal({});
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('█');
    expect(result.stderr).toMatch(/random\s+█+ done in \d+\.\d\d s \(run 2\/2\)/);
    expect(result.stderr).not.toContain('random: scoring');
  });

  it('prints plain lines under CI even on a terminal', async () => {
    const result = await evalWithTerminal({ CI: 'true' });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('random: scoring 2 seeded runs of 30 prompts\n');
    expect(result.stderr).not.toContain('█');
  });

  // SGR sequences (colour, dim, bold): what NO_COLOR forbids. Cursor movement is not colour.
  const SGR = /\u001b\[[0-9;]*m/;

  it('colours the bars only on a terminal with colours, and never with NO_COLOR', async () => {
    const coloured = await evalWithTerminal({}, true);
    expect(coloured.stderr).toContain('\u001b[32m█');
    const noColor = await evalWithTerminal({ NO_COLOR: '1' }, true);
    expect(noColor.stderr).toContain('█');
    expect(noColor.stderr).not.toMatch(SGR);
    // A terminal without colours gets none either, unless FORCE_COLOR asks.
    expect((await evalWithTerminal({}, false)).stderr).not.toMatch(SGR);
    expect((await evalWithTerminal({ FORCE_COLOR: '1' }, false)).stderr).toMatch(SGR);
    expect((await evalWithTerminal({ FORCE_COLOR: '0' }, true)).stderr).not.toMatch(SGR);
  });

  it('on a pseudo-terminal that reports no size (script, stty cols 0) the bars are laid out to 80 columns, not one character a line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'routellm-pty-'));
    const prompts = join(dir, 'p.txt');
    // 100: below that calibrate adds a (long) warning that a share cut on so few prompts is noisy.
    await writeFile(prompts, `${Array.from({ length: 100 }, (_, i) => `prompt number ${i}`).join('\n')}\n`);
    // util-linux script(1) gives the command a real pty; stty sets its size to 0x0, as some CI runners and docker run -t do.
    const command = `stty cols 0 rows 0; ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} calibrate --strong-model-pct 0.5 --prompts ${JSON.stringify(prompts)} --cache-dir ${JSON.stringify(join(dir, 'c'))}`;
    const env: Record<string, string | undefined> = { ...process.env };
    delete env['CI'];
    delete env['COLUMNS'];
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn('script', ['-qc', command, '/dev/null'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`exit ${code}: ${text}`))));
    });
    const lines = output
      .replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '')
      .split(/\r?\n|\r/)
      .filter((line) => line.trim() !== '');
    expect(lines.some((line) => /^difficulty\s+█+ done in \d+\.\d\d s$/.test(line.trimEnd()))).toBe(true);
    expect(lines.filter((line) => line.trim().length === 1)).toEqual([]);
    expect(lines.filter((line) => line.length > 80)).toEqual([]);
  }, 60_000);
});
