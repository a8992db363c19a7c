import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { unknownConfigRouterWarnings } from '../../src/config/unknown-config-routers.js';
import { ConfigError } from '../../src/core/index.js';
import { createBuiltinRegistry } from '../../src/routers/builtin-registry.js';
import { runCliInProcess } from '../helpers/run-cli-in-process.js';
import { startServeInProcess } from '../helpers/serve-in-process.js';
import { logLinesAt, logMessages } from '../helpers/log-messages.js';

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

const KNOWN = '(routers: random, difficulty, hybrid, mf, lexical, sw_ranking, causal_llm; sections: server, models, providers, prices)';
/** The one warning line about typo.yaml's two unknown keys. */
const expected = () => `routellm: warning: config file ${typo}: "hybird", "routers" are not routers here and are ignored ${KNOWN}`;

describe('config keys that name no router', () => {
  it('over a models: list, knn: and mf: are read by its routers: not unknown, not unused', () => {
    const config = parseConfig('models:\n  - { name: a, price: { input: 1, output: 1 } }\n  - { name: b, price: { input: 2, output: 2 } }\nknn: {}\nmf: {}\nbert: {}\n', 'l.yaml', {});
    expect(unknownConfigRouterWarnings(config, createBuiltinRegistry(), ['knn', 'mf'], ['knn', 'mf'])).toEqual([
      'config file l.yaml: "bert" is not a router here and is ignored (routers: random, difficulty, hybrid, mf, lexical, sw_ranking, causal_llm; over a models: list also knn; sections: server, models, providers, prices)',
    ]);
    // Without the list's routers (a pair run), knn: is unknown, as before.
    expect(unknownConfigRouterWarnings(config, createBuiltinRegistry(), ['mf'])[0]).toMatch(/^config file l\.yaml: "knn", "bert" are not routers here/);
  });

  it('are listed in one line; routers and the gateway sections are not', () => {
    const config = parseConfig('mf:\n  strong_model: a\nhybird: {}\nserver:\n  timeout: 10\nmodels:\n  strong: a\n  weak: b\nbert:\n  checkpoint_path: x\n', 'c.yaml', {});
    // RouteLLM's own example config has bert: a warning, never an error, so the file still loads.
    expect(unknownConfigRouterWarnings(config, createBuiltinRegistry())).toEqual([`config file c.yaml: "hybird", "bert" are not routers here and are ignored ${KNOWN}`]);
    const one = parseConfig('mf: {}\nbert: {}\n', 'c.yaml', {});
    expect(unknownConfigRouterWarnings(one, createBuiltinRegistry())).toEqual([`config file c.yaml: "bert" is not a router here and is ignored ${KNOWN}`]);
    const many = parseConfig(`random: {}\n${Array.from({ length: 30 }, (_, i) => `k${i}:\n`).join('')}`, 'c.yaml', {});
    expect(unknownConfigRouterWarnings(many, createBuiltinRegistry())).toEqual([
      `config file c.yaml: "k0", "k1", "k2", "k3", "k4", ... (30 in all) are not routers here and are ignored ${KNOWN}`,
    ]);
  });

  it('make the file an error when none of them is known: it is not a routellm config', async () => {
    const config = parseConfig('a:\nb: {x: 1}\nc:\n', 'c.yaml', {});
    expect(() => unknownConfigRouterWarnings(config, createBuiltinRegistry())).toThrow(ConfigError);
    expect(() => unknownConfigRouterWarnings(config, createBuiltinRegistry())).toThrow(
      `config file c.yaml is not a routellm config: none of its keys (a, b, c) is a router or a known section ${KNOWN}`,
    );
    // An empty file, and a file of sections only, are fine.
    expect(unknownConfigRouterWarnings(parseConfig('', 'c.yaml', {}), createBuiltinRegistry())).toEqual([]);
    expect(unknownConfigRouterWarnings(parseConfig('models: {strong: a}\n', 'c.yaml', {}), createBuiltinRegistry())).toEqual([]);

    // A text file of `key:` lines used to give one warning per line, then route anyway.
    const text = join(dir, 'notes.txt');
    await writeFile(text, Array.from({ length: 25 }, (_, i) => `note${i}:\n`).join(''));
    const result = await runCliInProcess(['route', '--config', text, 'hello']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`routellm: config file ${text} is not a routellm config: none of its keys (note0, note1, note2, note3, note4, ... (25 in all)) is a router or a known section ${KNOWN}\n`);
  });

  it('route warns on stderr in one line and still routes (exit 0)', async () => {
    const result = await runCliInProcess(['route', '--router', 'random', '--config', typo, '--json', 'hello']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ router: 'random' });
    expect(result.stderr.trim().split('\n')).toEqual([expected()]);
  });

  it('calibrate and eval warn the same way', async () => {
    const prompts = join(dir, 'prompts.txt');
    await writeFile(prompts, 'a\nb\nc\nd\n');
    const calibrate = await runCliInProcess(['calibrate', '--routers', 'random', '--prompts', prompts, '--strong-model-pct', '0.5', '--config', typo, '--cache-dir', join(dir, 'cache')]);
    expect(calibrate.code, calibrate.stderr).toBe(0);
    expect(calibrate.stderr).toContain(expected());
    const bench = join(dir, 'bench.csv');
    const rows = Array.from({ length: 12 }, (_, i) => `p${i},${i % 3 === 0 ? 'True' : 'False'},${i % 4 === 0 ? 'True' : 'False'}`);
    await writeFile(bench, `prompt,big,small\n${rows.join('\n')}\n`);
    const evaluation = await runCliInProcess(['eval', '--benchmark', bench, '--routers', 'random', '--strong-model', 'big', '--weak-model', 'small', '--no-plot', '--config', typo, '--cache-dir', join(dir, 'cache')]);
    expect(evaluation.code, evaluation.stderr).toBe(0);
    expect(evaluation.stderr).toContain(expected());
  });

  it('serve warns before it listens', async () => {
    const serve = await startServeInProcess(
      ['--port', '0', '--routers', 'random', '--config', typo, '--base-url', 'http://127.0.0.1:9', '--api-key', 'k', '--strong-model', 'big', '--weak-model', 'small'],
      { cwd: dir },
    );
    expect(await serve.stop()).toBe(0);
    // serve says it through its logger, at warn, like every other line it writes.
    const log = logMessages(serve.log());
    const warning = expected().replace('routellm: warning: ', '');
    expect(log.indexOf(warning)).toBeGreaterThanOrEqual(0);
    expect(log.indexOf(warning)).toBeLessThan(log.indexOf('routellm listening on'));
    expect(logLinesAt(serve.log(), 40).map((line) => line['msg'])).toContain(warning);
  });
});

describe("a router's top-level options when that router is not used", () => {
  // RouteLLM users write mf: at the top level; under the default difficulty router it configures nothing.
  const unused = (file: string, rest = '') =>
    `routellm: warning: config file ${file}: "mf:" is ignored: a router's top-level options apply only when that router itself is used ` +
    `(e.g. route --router mf, or serve --routers mf with model router-mf-...), and this run uses ${rest}`;

  it('route warns under the default router and under hybrid, pointing at hybrid: {mf: ...}; with --router mf they are used', async () => {
    const config = join(dir, 'mf-top.yaml');
    await writeFile(config, 'mf: {checkpoint_path: /nonexistent}\n');
    const byDefault = await runCliInProcess(['route', '--config', config, '--json', 'hi']);
    expect(byDefault.code).toBe(0);
    expect(byDefault.stderr).toBe(`${unused(config, 'difficulty')}\n`);
    const hybrid = await runCliInProcess(['route', '--router', 'hybrid', '--config', config, '--json', 'hi']);
    expect(hybrid.code).toBe(0);
    expect(hybrid.stderr).toBe(`${unused(config, "hybrid; hybrid's mf expert takes hybrid: {mf: {...}}")}\n`);
    const mf = await runCliInProcess(['route', '--router', 'mf', '--config', config, 'hi']);
    expect(mf.code).toBe(2);
    expect(mf.stderr).toContain('/nonexistent');
    const random = await runCliInProcess(['route', '--router', 'random', '--config', config, 'hi']);
    expect(random.stderr).toBe(`${unused(config, 'random')}\n`);
  });

  it('calibrate and eval warn for a section none of their routers reads', async () => {
    const config = join(dir, 'calibrate-mf.yaml');
    await writeFile(config, 'mf: {cache_size: 10}\nrandom: {seed: 1}\n');
    const prompts = join(dir, 'prompts-unused.txt');
    await writeFile(prompts, 'a\nb\nc\nd\n');
    const calibrate = await runCliInProcess(['calibrate', '--routers', 'random', '--prompts', prompts, '--strong-model-pct', '0.5', '--config', config, '--cache-dir', join(dir, 'cache')]);
    expect(calibrate.code, calibrate.stderr).toBe(0);
    expect(calibrate.stderr).toContain(`${unused(config, 'random')}\n`);
    const bench = join(dir, 'bench-unused.csv');
    const rows = Array.from({ length: 12 }, (_, i) => `p${i},${i % 3 === 0 ? 'True' : 'False'},${i % 4 === 0 ? 'True' : 'False'}`);
    await writeFile(bench, `prompt,big,small\n${rows.join('\n')}\n`);
    const evaluation = await runCliInProcess(['eval', '--benchmark', bench, '--routers', 'random', '--strong-model', 'big', '--weak-model', 'small', '--no-plot', '--config', config, '--cache-dir', join(dir, 'cache')]);
    expect(evaluation.code, evaluation.stderr).toBe(0);
    expect(evaluation.stderr).toContain(`${unused(config, 'random')}\n`);
  });

  it('serve warns for a section no loaded router reads', async () => {
    const config = join(dir, 'serve-mf.yaml');
    await writeFile(config, 'mf: {cache_size: 10}\nrandom: {seed: 1}\n');
    const serve = await startServeInProcess(['--port', '0', '--routers', 'random', '--config', config, '--base-url', 'http://127.0.0.1:9', '--api-key', 'k'], { cwd: dir });
    expect(await serve.stop()).toBe(0);
    expect(logLinesAt(serve.log(), 40).map((line) => line['msg'])).toContain(unused(config, 'random').replace('routellm: warning: ', ''));
  });
});
