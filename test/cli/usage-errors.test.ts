import { describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers/run-cli-in-process.js';

describe('usage errors commander finds: one line, one prefix, exit 2', () => {
  it.each([
    [['route', '--bogus', 'hi'], "routellm: unknown option '--bogus'; run routellm route --help for usage"],
    [['route', '--router', 'x', '--jsn', 'hi'], "routellm: unknown option '--jsn' (did you mean --json?); run routellm route --help for usage"],
    [['route', '--threshold'], "routellm: option '--threshold <value>' argument missing; run routellm route --help for usage"],
    [['route', 'a', 'b'], "routellm: too many arguments for 'route'. Expected 1 argument but got 2; run routellm route --help for usage"],
    [['train'], "routellm: required option '--data <files...>' not specified; run routellm train --help for usage"],
    [['doctor', '--bogus'], "routellm: unknown option '--bogus'; run routellm doctor --help for usage"],
    [['bogus'], "routellm: unknown command 'bogus'; run routellm --help for usage"],
  ])('%j', async (argv, line) => {
    const result = await runCliInProcess(argv);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`${line}\n`);
  });

  it('serve says them through its logger, as every other start-up failure: one JSON line off a terminal, pretty when asked', async () => {
    const other = await runCliInProcess(['serve', '--port', 'abc']);
    const shape = Object.keys(JSON.parse(other.stderr.trim()));
    for (const [argv, msg] of [
      [['serve', '--deadline', '0'], "option '--deadline <seconds>' argument '0' is invalid. expected a number of seconds above 0, at most 86400 (a day); run routellm serve --help for usage"],
      [['serve', '--log-format', 'xml'], "option '--log-format <format>' argument 'xml' is invalid. Allowed choices are json, pretty; run routellm serve --help for usage"],
      [['serve', '--routrs', 'x'], "unknown option '--routrs' (did you mean --routers?); run routellm serve --help for usage"],
    ] as const) {
      const result = await runCliInProcess(argv);
      expect(result.code).toBe(2);
      const lines = result.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      const logged = JSON.parse(lines[0]!);
      expect(Object.keys(logged)).toEqual(shape);
      expect(logged).toMatchObject({ level: 50, msg });
    }
    const pretty = await runCliInProcess(['serve', '--log-format', 'pretty', '--routrs', 'x']);
    expect(pretty.code).toBe(2);
    expect(pretty.stderr).toMatch(/^\[[\d:.]+\] ERROR: unknown option '--routrs' \(did you mean --routers\?\); run routellm serve --help for usage\n$/);
  });

  it('--help and --version still print and exit 0; no command at all shows the help and exits 2', async () => {
    expect((await runCliInProcess(['route', '--help'])).code).toBe(0);
    const version = await runCliInProcess(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    const bare = await runCliInProcess([]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('Usage: routellm');
  });
});
