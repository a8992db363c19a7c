import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { outputColumns, useColour, wrapHelp } from '../../src/cli/terminal.js';
import { runCliInProcess } from '../helpers/run-cli-in-process.js';

const terminal = (columns: number, colours = true) => ({ isTTY: true, columns, hasColors: () => colours });

describe('colour and width', () => {
  it('colours a terminal that has colours; NO_COLOR turns it off, FORCE_COLOR decides over both', () => {
    expect(useColour(terminal(80), {})).toBe(true);
    expect(useColour(terminal(80, false), {})).toBe(false);
    expect(useColour({}, {})).toBe(false);
    expect(useColour(terminal(80), { NO_COLOR: '1' })).toBe(false);
    // An empty NO_COLOR is unset (no-color.org).
    expect(useColour(terminal(80), { NO_COLOR: '' })).toBe(true);
    expect(useColour({}, { FORCE_COLOR: '1' })).toBe(true);
    expect(useColour({}, { FORCE_COLOR: '' })).toBe(true);
    expect(useColour(terminal(80), { FORCE_COLOR: '0' })).toBe(false);
    expect(useColour(terminal(80), { FORCE_COLOR: 'false' })).toBe(false);
    expect(useColour({}, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(true);
  });

  it('fits to the terminal, else $COLUMNS, else 80, and never under 40', () => {
    expect(outputColumns(terminal(120), {})).toBe(120);
    expect(outputColumns({}, {})).toBe(80);
    expect(outputColumns({}, { COLUMNS: '100' })).toBe(100);
    expect(outputColumns({}, { COLUMNS: 'wide' })).toBe(80);
    expect(outputColumns(terminal(20), {})).toBe(40);
  });

  it('re-flows help paragraphs and breaks long example commands so they still run, never inside quotes', () => {
    const text = [
      'First paragraph, written on',
      'two lines in the source.',
      '',
      'Examples:',
      '  $ routellm route --router random --threshold 0.3 --json "Solve x^2 - 5x + 6 = 0"',
      '  # a comment that is rather long and has to go onto a second line',
    ].join('\n');
    expect(wrapHelp(text, 40)).toBe(
      [
        'First paragraph, written on two lines in',
        'the source.',
        '',
        'Examples:',
        '  $ routellm route --router random \\',
        '      --threshold 0.3 --json \\',
        '      "Solve x^2 - 5x + 6 = 0"',
        '  # a comment that is rather long and',
        '  #   has to go onto a second line',
      ].join('\n'),
    );
  });

  it('puts the trailing comment of a shell command that must wrap on its own line above it, so a pasted block still runs', () => {
    const text = 'Examples:\n  $ routellm serve --share-state redis://127.0.0.1:6379/0   # one of several replicas holding shares together';
    expect(wrapHelp(text, 60)).toBe(
      ['Examples:', '  # one of several replicas holding shares together', '  $ routellm serve --share-state redis://127.0.0.1:6379/0'].join('\n'),
    );
    expect(wrapHelp(text, 40)).toBe(
      ['Examples:', '  # one of several replicas holding', '  #   shares together', '  $ routellm serve --share-state \\', '      redis://127.0.0.1:6379/0'].join('\n'),
    );
    // A command that fits keeps its comment beside it; a "#" inside quotes is no comment.
    expect(wrapHelp('  $ routellm route "#1 tip"  # short', 80)).toBe('  $ routellm route "#1 tip" # short');
  });
});

describe('help fits the terminal', () => {
  const commands = [[], ['route'], ['serve'], ['eval'], ['calibrate'], ['train'], ['doctor'], ['label']];

  it.each(commands)('%s --help fits 80 columns when piped', async (...command) => {
    const result = await runCliInProcess([...command, '--help']);
    expect(result.code).toBe(0);
    const long = result.stdout.split('\n').filter((line) => line.length > 80);
    expect(long).toEqual([]);
  });

  it.each(commands)('%s --help: no example line both holds a # comment and continues with \\ (pasted, the comment would swallow the continuation)', async (...command) => {
    for (const columns of ['80', '60']) {
      const result = await runCliInProcess([...command, '--help'], { env: { COLUMNS: columns } });
      const broken = result.stdout.split('\n').filter((line) => line.endsWith(' \\') && /(^|\s)#/.test(line));
      expect(broken).toEqual([]);
    }
  });

  it.each(commands)('%s --help fits a 60-column terminal, but for words that cannot be broken', async (...command) => {
    const chunks: Buffer[] = [];
    const stdout = Object.assign(new PassThrough(), terminal(60, false));
    stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    const code = await runCli([...command, '--help'], { stdin: Readable.from([]), stdout, stderr: new PassThrough(), env: {}, cwd: process.cwd(), fetch: globalThis.fetch });
    expect(code).toBe(0);
    const text = Buffer.concat(chunks).toString('utf8');
    expect(text).toContain('Usage: routellm');
    const long = text.split('\n').filter((line) => line.length > 60 && line.trim().includes(' '));
    expect(long).toEqual([]);
  });
});
