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
    expect(unknownConfigRouterWarnings(config, createBuiltinRegistry(), ['knn', 'mf'], ['knn', 'mf'])).toEqual([]);
    // Without the list's routers (a pair run), knn: is unknown, as before (bert: is RouteLLM's: never).
    expect(unknownConfigRouterWarnings(config, createBuiltinRegistry(), ['mf'])).toEqual([
      'config file l.yaml: "knn" is not a router here and is ignored (routers: random, difficulty, hybrid, mf, lexical, sw_ranking, causal_llm; sections: server, models, providers, prices)',
    ]);
  });

  it('are listed in one line; routers and the gateway sections are not', () => {
    const config = parseConfig('mf:\n  strong_model: a\nhybird: {}\nserver:\n  timeout: 10\nmodels:\n  strong: a\n  weak: b\nbert:\n  checkpoint_path: x\n', 'c.yaml', {});
    // RouteLLM's own example config has bert: a RouteLLM router this package lacks, not a typo: no word about it.
    expect(unknownConfigRouterWarnings(config, createBuiltinRegistry())).toEqual([`config file c.yaml: "hybird" is not a router here and is ignored ${KNOWN}`]);
    const one = parseConfig('mf: {}\nbert: {}\n', 'c.yaml', {});
    expect(unknownConfigRouterWarnings(one, createBuiltinRegistry())).toEqual([]);
    expect(unknownConfigRouterWarnings(parseConfig('bert: {checkpoint_path: x}\n', 'c.yaml', {}), createBuiltinRegistry())).toEqual([]);
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
    await writeFile(prompts, Array.from({ length: 100 }, (_, i) => `prompt ${i}`).join('\n'));
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
  // RouteLLM's config.example.yaml holds a section for every router, whichever a run uses (QA finding K).
  const ROUTELLM_EXAMPLE =
    'sw_ranking:\n    arena_battle_datasets:\n      - lmsys/lmsys-arena-human-preference-55k\n    arena_embedding_datasets:\n      - routellm/arena_battles_embeddings\n' +
    'causal_llm:\n    checkpoint_path: routellm/causal_llm_gpt4_augmented\nbert:\n    checkpoint_path: routellm/bert_gpt4_augmented\n' +
    'mf:\n    checkpoint_path: routellm/mf_gpt4_augmented\nrandom: {seed: 1}\n';
  // Where a used router has an expert of that name, the section is almost surely misplaced.
  const misplaced = (file: string, section: string, router: string) =>
    `routellm: warning: config file ${file}: "${section}:" configures the router of that name, which this run does not use (it uses ${router}): ` +
    `${router}'s ${section} expert takes ${router}: {${section}: {...}}`;

  it('route says nothing about sections for routers it does not use, RouteLLM\'s file included; a section its router\'s expert was meant to get is a warning', async () => {
    const example = join(dir, 'config.example.yaml');
    await writeFile(example, ROUTELLM_EXAMPLE);
    for (const router of [[], ['--router', 'random'], ['--router', 'lexical']]) {
      const result = await runCliInProcess(['route', ...router, '--config', example, '--json', 'hi']);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toBe('');
    }
    const config = join(dir, 'mf-top.yaml');
    await writeFile(config, 'mf: {checkpoint_path: /nonexistent}\n');
    const hybrid = await runCliInProcess(['route', '--router', 'hybrid', '--config', config, '--json', 'hi']);
    expect(hybrid.code).toBe(0);
    expect(hybrid.stderr).toBe(`${misplaced(config, 'mf', 'hybrid')}\n`);
    const lexical = join(dir, 'lexical-top.yaml');
    await writeFile(lexical, 'lexical: {}\n');
    const byDefault = await runCliInProcess(['route', '--config', lexical, '--json', 'hi']);
    expect(byDefault.code).toBe(0);
    expect(byDefault.stderr).toBe(`${misplaced(lexical, 'lexical', 'difficulty')}\n`);
    const mf = await runCliInProcess(['route', '--router', 'mf', '--config', config, 'hi']);
    expect(mf.code).toBe(2);
    expect(mf.stderr).toContain('/nonexistent');
  });

  it('calibrate and eval over RouteLLM\'s file: not a word about the sections they do not use', async () => {
    const config = join(dir, 'calibrate-example.yaml');
    await writeFile(config, ROUTELLM_EXAMPLE);
    const prompts = join(dir, 'prompts-unused.txt');
    await writeFile(prompts, Array.from({ length: 120 }, (_, i) => `prompt ${i}`).join('\n'));
    const calibrate = await runCliInProcess(['calibrate', '--routers', 'random', '--prompts', prompts, '--strong-model-pct', '0.5', '--config', config, '--cache-dir', join(dir, 'cache')]);
    expect(calibrate.code, calibrate.stderr).toBe(0);
    expect(calibrate.stderr).not.toMatch(/warning/);
    const bench = join(dir, 'bench-unused.csv');
    const rows = Array.from({ length: 12 }, (_, i) => `p${i},${i % 3 === 0 ? 'True' : 'False'},${i % 4 === 0 ? 'True' : 'False'}`);
    await writeFile(bench, `prompt,big,small\n${rows.join('\n')}\n`);
    const evaluation = await runCliInProcess(['eval', '--benchmark', bench, '--routers', 'random', '--strong-model', 'big', '--weak-model', 'small', '--no-plot', '--config', config, '--cache-dir', join(dir, 'cache')]);
    expect(evaluation.code, evaluation.stderr).toBe(0);
    expect(evaluation.stderr).not.toMatch(/warning|bert|sw_ranking/);
  });

  it('serve warns for a misplaced expert section only', async () => {
    const config = join(dir, 'serve-lexical.yaml');
    await writeFile(config, `${ROUTELLM_EXAMPLE}lexical: {}\n`);
    const serve = await startServeInProcess(['--port', '0', '--config', config, '--base-url', 'http://127.0.0.1:9', '--api-key', 'k', '--no-probe'], { cwd: dir });
    expect(await serve.stop()).toBe(0);
    expect(logLinesAt(serve.log(), 40).map((line) => line['msg'])).toEqual([misplaced(config, 'lexical', 'difficulty').replace('routellm: warning: ', '')]);
  });
});
