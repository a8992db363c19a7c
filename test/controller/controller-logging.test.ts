import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChild } from '../helpers/run-cli-child.js';
import { startUpstreamServer, type UpstreamServer } from '../helpers/upstream-server.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

let upstream: UpstreamServer;
beforeAll(async () => {
  upstream = await startUpstreamServer();
});
afterAll(async () => {
  await upstream.close();
});

/**
 * A user's program in its own process, importing the built package by name: a Controller over a pair
 * nobody prices, with `options` (JSON; `collect: true` passes a logger that gathers its lines and
 * prints them on stdout), one completion, then close. Its real stderr is what the user would see.
 */
function runProgram(options: Record<string, unknown>, env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const script = `
    const { Controller } = await import('routellm');
    const { collect, ...options } = JSON.parse(process.env.OPTIONS);
    const lines = [];
    const logger = { warn: (fields, message) => lines.push(['warn', message]), info: (fields, message) => lines.push(['info', message]) };
    try {
      const controller = await Controller.create({ strongModel: 'strong-m', weakModel: 'weak-m', baseURL: process.env.UPSTREAM, ...options, ...(collect ? { logger } : {}) });
      await controller.chat.completions.create({ model: 'router-random-0.5', messages: [{ role: 'user', content: 'hi' }] });
      await controller.close();
      if (collect) console.log(JSON.stringify(lines));
    } catch (error) {
      console.log(JSON.stringify({ error: error.constructor.name, message: error.message }));
    }`;
  return runChild(process.execPath, ['--input-type=module', '-e', script], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'], UPSTREAM: upstream.baseURL, OPTIONS: JSON.stringify(options), ...env },
  });
}

const UNPRICED =
  'models "strong-m" and "weak-m" have no price: their requests are left out of spend_usd and the saving is reported as unknown (null); ' +
  'add them to the config file as prices: { "strong-m": { input: <USD per 1M tokens>, output: <USD per 1M tokens> }, "weak-m": { input: <USD per 1M tokens>, output: <USD per 1M tokens> } }';

describe("the library's warnings (QA finding L: two lines on the user's stderr, no way to route or silence them)", () => {
  it('by default, each warning once on stderr: one line for both unpriced models', async () => {
    expect(existsSync(`${ROOT}dist/src/index.js`), 'npm test builds dist/ first').toBe(true);
    const { code, stdout, stderr } = await runProgram({ routers: ['random'] });
    expect(code, stderr).toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toBe(`routellm: ${UNPRICED}\n`);
  }, 30_000);

  it("logLevel: 'off' (or ROUTELLM_LOG=off) silences it; a logger gets the lines instead of stderr", async () => {
    for (const [options, env] of [[{ routers: ['random'], logLevel: 'off' }, {}], [{ routers: ['random'] }, { ROUTELLM_LOG: 'off' }]] as const) {
      const { code, stdout, stderr } = await runProgram(options, env);
      expect(code, stderr).toBe(0);
      expect(stdout + stderr).toBe('');
    }
    const routed = await runProgram({ routers: ['random'], collect: true });
    expect(routed.stderr).toBe('');
    expect(JSON.parse(routed.stdout)).toEqual([['warn', UNPRICED]]);
    // 'info' lets the info lines through too: with verbose, each routing decision.
    const verbose = await runProgram({ routers: ['random'], collect: true, verbose: true, logLevel: 'info' });
    const lines = JSON.parse(verbose.stdout) as [string, string][];
    expect(lines[0]).toEqual(['warn', UNPRICED]);
    expect(lines.filter(([level]) => level === 'info')).toHaveLength(1);
    const quiet = await runProgram({ routers: ['random'], collect: true, verbose: true, logLevel: 'warn' });
    expect(JSON.parse(quiet.stdout)).toEqual([['warn', UNPRICED]]);
  }, 30_000);

  it('a level that is no level is a ConfigError naming where it came from', async () => {
    const given = await runProgram({ routers: ['random'], logLevel: 'loud' });
    expect(JSON.parse(given.stdout)).toEqual({ error: 'ConfigError', message: 'logLevel "loud" is not a log level; use one of off, error, warn, info, debug' });
    const fromEnv = await runProgram({ routers: ['random'] }, { ROUTELLM_LOG: 'verbose' });
    expect(JSON.parse(fromEnv.stdout)).toEqual({ error: 'ConfigError', message: 'ROUTELLM_LOG "verbose" is not a log level; use one of off, error, warn, info, debug' });
  }, 30_000);
});
