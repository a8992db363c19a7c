import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { datasetsDir } from '../../src/runtime/package-paths.js';
import { runCliInProcess } from '../helpers/run-cli-in-process.js';

let configDir: string;
let elsewhere: string;

beforeAll(async () => {
  configDir = await mkdtemp(join(tmpdir(), 'config-paths-'));
  elsewhere = await mkdtemp(join(tmpdir(), 'config-paths-cwd-'));
  // A copy of the shipped mf weights beside the config file, and nothing of that name in the cwd.
  await mkdir(join(configDir, 'mf1'));
  for (const file of ['model.safetensors', 'config.json']) await copyFile(join(datasetsDir(), 'mf', file), join(configDir, 'mf1', file));
});

afterAll(async () => {
  await rm(configDir, { recursive: true, force: true });
  await rm(elsewhere, { recursive: true, force: true });
});

describe('paths in a --config file', () => {
  it("keep Hugging Face hub ids (RouteLLM's config.example.yaml) unless they name something beside the file", async () => {
    await mkdir(join(configDir, 'routellm', 'local_copy'), { recursive: true });
    const file = join(configDir, 'routellm.yaml');
    await writeFile(
      file,
      [
        'mf: {checkpoint_path: routellm/mf_gpt4_augmented}',
        'causal_llm: {checkpoint_path: routellm/local_copy}',
        'sw_ranking:',
        '  arena_battle_datasets: [lmsys/lmsys-arena-human-preference-55k, ./battles.parquet]',
        '  arena_embedding_datasets: [routellm/local_copy]',
        '',
      ].join('\n'),
    );
    const config = await loadConfig(file, {}, elsewhere);
    expect(config.routers['mf']).toEqual({ checkpoint_path: 'routellm/mf_gpt4_augmented' });
    expect(config.routers['causal_llm']).toEqual({ checkpoint_path: join(configDir, 'routellm', 'local_copy') });
    expect(config.routers['sw_ranking']).toEqual({
      arena_battle_datasets: ['lmsys/lmsys-arena-human-preference-55k', join(configDir, 'battles.parquet')],
      arena_embedding_datasets: [join(configDir, 'routellm', 'local_copy')],
    });
  });

  it('resolve against the file\'s directory at any depth; absolute paths and other keys are left alone', async () => {
    const file = join(configDir, 'c.yaml');
    await writeFile(
      file,
      [
        'mf: {checkpoint_path: mf1, config_path: ./mf1/config.json}',
        'hybrid: {mf: {checkpoint_path: ../up/mf1}, lexical: {checkpoint_path: /abs/lexical}}',
        'sw_ranking: {data_dir: sw, embedder: use-static, strong_model: a/b}',
        '',
      ].join('\n'),
    );
    const config = await loadConfig(file, {}, elsewhere);
    expect(config.routers['mf']).toEqual({ checkpoint_path: join(configDir, 'mf1'), config_path: join(configDir, 'mf1', 'config.json') });
    expect(config.routers['hybrid']).toEqual({ mf: { checkpoint_path: join(configDir, '..', 'up', 'mf1') }, lexical: { checkpoint_path: '/abs/lexical' } });
    expect(config.routers['sw_ranking']).toEqual({ data_dir: join(configDir, 'sw'), embedder: 'use-static', strong_model: 'a/b' });
  });

  it('route --config /x/c1.yaml loads /x/mf1 from any working directory, for mf and for hybrid\'s nested mf', async () => {
    const file = join(configDir, 'c1.yaml');
    const shipped = await runCliInProcess(['route', '--router', 'mf', '--json', 'Prove that there are infinitely many primes.'], { cwd: elsewhere });
    for (const [router, text] of [['mf', 'mf: {checkpoint_path: mf1}\n'], ['hybrid', 'hybrid: {mf: {checkpoint_path: ./mf1}}\n']] as const) {
      await writeFile(file, text);
      const result = await runCliInProcess(['route', '--config', file, '--router', router, '--json', 'Prove that there are infinitely many primes.'], { cwd: elsewhere });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      // The same weights as shipped, so the same win rate: what matters is that mf1 was found.
      expect(JSON.parse(result.stdout).strong_win_rate).toBe(JSON.parse(shipped.stdout).strong_win_rate);
    }
    // A path that is not beside the config file is named as the absolute path that was tried.
    await writeFile(file, 'mf: {checkpoint_path: nothere}\n');
    const missing = await runCliInProcess(['route', '--config', file, '--router', 'mf', 'x'], { cwd: elsewhere });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`cannot read ${join(configDir, 'nothere', 'model.safetensors')} (ENOENT)`);
  });
});
