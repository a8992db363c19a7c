import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { unknownConfigRouterWarnings } from '../../src/config/unknown-config-routers.js';
import { createBuiltinRegistry } from '../../src/routers/builtin-registry.js';
import { runCliInProcess } from '../helpers/run-cli-in-process.js';
import { startServeInProcess } from '../helpers/serve-in-process.js';

let dir: string;
let typo: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'routellm-config-keys-'));
  typo = join(dir, 'typo.yaml');
  // A misspelt router and a misplaced wrapper: both would otherwise be silently ignored.
  await writeFile(typo, 'hybird:\n  mf: {}\nrouters:\n  random: {seed: 1}\nrandom:\n  seed: 3\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const expected = (name: string) =>
  `routellm: warning: config file ${typo}: "${name}" is not a router here and is ignored (routers: random, hybrid, mf, lexical, sw_ranking, causal_llm; sections: server, models, providers, prices)`;

describe('config keys that name no router', () => {
  it('are listed one by one; routers and the gateway sections are not', () => {
    const config = parseConfig('mf:\n  strong_model: a\nhybird: {}\nserver:\n  timeout: 10\nmodels:\n  strong: a\n  weak: b\nbert:\n  checkpoint_path: x\n', 'c.yaml', {});
    const warnings = unknownConfigRouterWarnings(config, createBuiltinRegistry());
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^config file c\.yaml: "hybird" is not a router here and is ignored/);
    // RouteLLM's own example config has bert: a warning, never an error, so the file still loads.
    expect(warnings[1]).toMatch(/^config file c\.yaml: "bert" is not a router here/);
  });

  it('route warns on stderr and still routes (exit 0)', async () => {
    const result = await runCliInProcess(['route', '--router', 'random', '--config', typo, '--json', 'hello']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ router: 'random' });
    expect(result.stderr.trim().split('\n')).toEqual([expected('hybird'), expected('routers')]);
  });

  it('calibrate and eval warn the same way', async () => {
    const prompts = join(dir, 'prompts.txt');
    await writeFile(prompts, 'a\nb\nc\nd\n');
    const calibrate = await runCliInProcess(['calibrate', '--routers', 'random', '--prompts', prompts, '--strong-model-pct', '0.5', '--config', typo, '--cache-dir', join(dir, 'cache')]);
    expect(calibrate.code, calibrate.stderr).toBe(0);
    expect(calibrate.stderr).toContain(expected('hybird'));
    const bench = join(dir, 'bench.csv');
    await writeFile(bench, 'prompt,big,small\na,True,False\nb,True,True\nc,False,False\nd,True,False\n');
    const evaluation = await runCliInProcess(['eval', '--benchmark', bench, '--routers', 'random', '--strong-model', 'big', '--weak-model', 'small', '--no-plot', '--config', typo, '--cache-dir', join(dir, 'cache')]);
    expect(evaluation.code, evaluation.stderr).toBe(0);
    expect(evaluation.stderr).toContain(expected('routers'));
  });

  it('serve warns before it listens', async () => {
    const serve = await startServeInProcess(
      ['--port', '0', '--routers', 'random', '--config', typo, '--base-url', 'http://127.0.0.1:9', '--api-key', 'k', '--strong-model', 'big', '--weak-model', 'small'],
      { cwd: dir },
    );
    expect(await serve.stop()).toBe(0);
    const log = serve.log();
    expect(log.indexOf(expected('hybird'))).toBeGreaterThanOrEqual(0);
    expect(log.indexOf(expected('hybird'))).toBeLessThan(log.indexOf('routellm listening on'));
  });
});
