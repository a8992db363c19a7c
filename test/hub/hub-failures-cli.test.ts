import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeHub, type FakeHub, type FakeRepo } from '../helpers/fake-hub.js';
import { runCliInProcess } from '../helpers/run-cli-in-process.js';
import { routellmHubRepos } from '../helpers/routellm-hub.js';

const CONFIG = fileURLToPath(new URL('../fixtures/routellm/config.example.yaml', import.meta.url));

let dir: string;
let hub: FakeHub | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hub-cli-'));
  await copyFile(CONFIG, join(dir, 'config.example.yaml'));
});
afterEach(async () => {
  await hub?.close();
  hub = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** Runs `routellm route --router R --config config.example.yaml "..."` against a fake hub holding `repos`. */
async function route(router: string, repos: FakeRepo[], env: Record<string, string> = {}, prepare?: (hub: FakeHub) => void) {
  hub = await startFakeHub(repos);
  prepare?.(hub);
  return runCliInProcess(['route', '--router', router, '--config', 'config.example.yaml', 'Prove that there are infinitely many primes.'], {
    cwd: dir,
    env: { HF_ENDPOINT: hub.endpoint, HF_HUB_CACHE: join(dir, 'cache'), OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', ...env },
  });
}

/** Exit 2 and exactly one error line on stderr (beside warnings about the config's other sections and download lines). */
function oneLineFailure(result: { code: number; stderr: string }): string {
  expect(result.code).toBe(2);
  const errors = result.stderr.split('\n').filter((line) => line.startsWith('routellm: ') && !/^routellm: (warning:|downloading )/.test(line));
  expect(errors, result.stderr).toHaveLength(1);
  return errors[0]!;
}

const withRepo = (id: string, change: (repo: FakeRepo) => FakeRepo) => routellmHubRepos().map((repo) => (repo.id === id ? change(repo) : repo));
const without = (id: string) => routellmHubRepos().filter((repo) => repo.id !== id);

describe('hub failures from the CLI: one line, exit 2', () => {
  it('offline without a cache', async () => {
    const line = oneLineFailure(await route('mf', routellmHubRepos(), { HF_HUB_OFFLINE: '1' }));
    expect(line).toMatch(/^routellm: mf\.checkpoint_path: routellm\/mf_gpt4_augmented is not in the hub cache and HF_HUB_OFFLINE is set; where the network allows, download http:.*\/routellm\/mf_gpt4_augmented\/resolve\/main\/model\.safetensors into .*cache/);
    expect(hub!.requests).toEqual([]);
  });

  it('404 from the hub', async () => {
    expect(oneLineFailure(await route('mf', without('routellm/mf_gpt4_augmented'), { HF_TOKEN: 'hf_x' }))).toMatch(
      /^routellm: mf\.checkpoint_path: the hub has no model repo routellm\/mf_gpt4_augmented \(404 from .*\); check the id$/,
    );
  });

  it('401 for a gated or private repo without a token', async () => {
    const repos = withRepo('routellm/mf_gpt4_augmented', (repo) => ({ ...repo, token: 'hf_secret' }));
    expect(oneLineFailure(await route('mf', repos))).toBe(
      'routellm: mf.checkpoint_path: the hub answered 401 for routellm/mf_gpt4_augmented: it is private or gated, or does not exist; set HF_TOKEN to a token that can read it',
    );
  });

  it('a truncated download', async () => {
    const line = oneLineFailure(await route('mf', routellmHubRepos(), {}, (h) => (h.faults.truncateAt = 1000)));
    expect(line).toMatch(/^routellm: mf\.checkpoint_path: the download of routellm\/mf_gpt4_augmented\/model\.safetensors stopped at 1\.0 kB of 1\d\.\d kB \(.+\); run again to resume from .*\.incomplete$/);
  });

  it('bytes that do not match the ETag', async () => {
    expect(oneLineFailure(await route('mf', routellmHubRepos(), {}, (h) => (h.faults.corrupt = true)))).toMatch(
      /^routellm: mf\.checkpoint_path: routellm\/mf_gpt4_augmented\/model\.safetensors downloaded with sha256 .* but the hub's ETag is .*; the download was removed: run again$/,
    );
  });

  it('a bad parquet file', async () => {
    const repos = withRepo('routellm/gpt4_judge_battles', (repo) => ({ ...repo, revisions: { main: { files: { 'data/train-00000-of-00001.parquet': 'not parquet at all' } } } }));
    expect(oneLineFailure(await route('sw_ranking', repos))).toMatch(
      /^routellm: sw_ranking\.arena_battle_datasets: routellm\/gpt4_judge_battles \(.*train-00000-of-00001\.parquet\) is not a readable parquet file \(.+\)$/,
    );
  });

  it('a parquet file with the wrong columns', async () => {
    const embeddings = routellmHubRepos().find((repo) => repo.id === 'routellm/arena_battles_embeddings')!;
    const repos = withRepo('routellm/gpt4_judge_battles', () => ({ ...embeddings, id: 'routellm/gpt4_judge_battles' }));
    expect(oneLineFailure(await route('sw_ranking', repos))).toMatch(
      /^routellm: sw_ranking\.arena_battle_datasets: routellm\/gpt4_judge_battles \(.*\) has no column model_a, model_b, prompt, winner_model_a, winner_model_b; RouteLLM's battle preprocessing needs .* \(it has embeddings\)$/,
    );
  });
});
