import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { doctorEntries as lines } from '../helpers/doctor-entries.js';
import { runCliInProcess } from '../helpers/run-cli-in-process.js';
import { startUpstreamServer, type UpstreamServer } from '../helpers/upstream-server.js';

let dir: string;
let upstream: UpstreamServer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'routellm-doctor-'));
  upstream = await startUpstreamServer({ models: ['big', 'small'] });
});
afterAll(async () => {
  await upstream.close();
  await rm(dir, { recursive: true, force: true });
});

describe('routellm doctor', () => {
  it('says ok, one line per check, and exits 0 when serve would start cleanly', async () => {
    const result = await runCliInProcess(['doctor', '--routers', 'random', '--base-url', upstream.baseURL, '--strong-model', 'big', '--weak-model', 'small'], { cwd: dir });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const out = lines(result.stdout);
    expect(out.every((line) => line.startsWith('ok  '))).toBe(true);
    for (const check of ['config', 'models', 'key big', 'key small', 'upstream big', 'upstream small', 'data', 'routers', 'calibration']) {
      expect(out.some((line) => line.slice(6).startsWith(check))).toBe(true);
    }
    expect(result.stderr).toBe('');
  });

  it('fails, exit 1, naming each problem on its own line: a missing key, an unknown prefix, a model not listed, a missing table', async () => {
    const result = await runCliInProcess(['doctor', '--routers', 'random', '--strong-model', 'groq/llama-3.1-70b', '--weak-model', 'hosted_vllm/smal'], {
      cwd: dir,
      env: { HOSTED_VLLM_API_BASE: upstream.baseURL, ROUTELLM_CALIBRATION_TABLE: join(dir, 'nope.json') },
    });
    expect(result.code).toBe(1);
    const out = lines(result.stdout);
    expect(out.find((line) => line.includes('key groq/llama-3.1-70b'))).toMatch(/^fail .*GROQ_API_KEY is not set/);
    expect(out.find((line) => line.includes('upstream hosted_vllm/smal'))).toMatch(/^fail .*does not list "smal" among its 2 models.*it lists e.g. big, small/);
    expect(out.find((line) => line.includes('calibration'))).toMatch(/^fail .*ROUTELLM_CALIBRATION_TABLE=.*nope\.json does not exist/);
    const unknown = await runCliInProcess(['doctor', '--routers', 'random', '--strong-model', 'groqq/x', '--weak-model', 'ollama/y', '--no-probe'], { cwd: dir });
    expect(unknown.code).toBe(1);
    expect(lines(unknown.stdout).find((line) => line.includes('key groqq/x'))).toMatch(/^fail .*no provider table knows/);
  });

  it('a --base-url that is no URL is a usage error, exit 2 as serve: one fail line for the flag, not one per model', async () => {
    const result = await runCliInProcess(['doctor', '--routers', 'random', '--base-url', 'notaurl', '--strong-model', 's', '--weak-model', 'w', '--no-probe'], { cwd: dir });
    expect(result.code, result.stdout).toBe(2);
    const failed = lines(result.stdout).filter((line) => line.startsWith('fail'));
    expect(failed).toEqual([expect.stringMatching(/^fail +base-url +--base-url: "notaurl" is not a URL/)]);
    const fromEnv = await runCliInProcess(['doctor', '--routers', 'random', '--strong-model', 's', '--weak-model', 'w', '--no-probe', '--json'], { cwd: dir, env: { ROUTELLM_BASE_URL: 'ftp://x/v1' } });
    expect(fromEnv.code).toBe(2);
    expect((JSON.parse(fromEnv.stdout) as { checks: { check: string; detail: string }[] }).checks.find((check) => check.check === 'base-url')?.detail).toMatch(/^ROUTELLM_BASE_URL: ftp: URLs are not supported/);
  });

  it('--json prints one document with every check', async () => {
    const result = await runCliInProcess(['doctor', '--routers', 'random', '--base-url', upstream.baseURL, '--strong-model', 'big', '--weak-model', 'missing', '--json'], { cwd: dir });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { ok: boolean; checks: { check: string; status: string; detail: string }[] };
    expect(report.ok).toBe(false);
    expect(report.checks.find((check) => check.check === 'upstream missing')).toMatchObject({ status: 'fail' });
    expect(report.checks.find((check) => check.check === 'upstream big')).toMatchObject({ status: 'ok' });
  });

  it('a config file that does not load is one fail line: what reads it is skipped, not checked with the defaults', async () => {
    const result = await runCliInProcess(['doctor', '--routers', 'random', '--config', join(dir, 'absent.yaml'), '--base-url', upstream.baseURL, '--strong-model', 'big', '--weak-model', 'small'], { cwd: dir });
    // A configuration serve would refuse (exit 2) is exit 2 here too.
    expect(result.code).toBe(2);
    const out = lines(result.stdout);
    expect(out[0]).toMatch(/^fail +config .*absent\.yaml/);
    expect(out.filter((line) => line.startsWith('fail'))).toHaveLength(1);
    for (const check of ['models', 'keys', 'upstreams', 'routers']) expect(out).toContainEqual(expect.stringMatching(new RegExp(`^skip +${check} +not checked: the config file did not load$`)));
    // What does not come from the file is still checked.
    expect(out).toContainEqual(expect.stringMatching(/^ok +data /));
    // QA's case: a config naming its own models, with an unset variable: no line about the default pair.
    await writeFile(join(dir, 'c1.yaml'), 'models: { strong: strong-m, weak: local/weak-m }\nproviders:\n  local: { base_url: "http://127.0.0.1:9/v1", api_key_env: LOCAL_KEY }\nserver:\n  auth_keys: "${ROUTELLM_CLIENT_KEYS}"\n');
    const unset = await runCliInProcess(['doctor', '--config', 'c1.yaml', '--json'], { cwd: dir });
    expect(unset.code).toBe(2);
    const report = JSON.parse(unset.stdout) as { checks: { check: string; status: string; detail: string }[] };
    expect(report.checks.filter((check) => check.status === 'fail')).toEqual([{ check: 'config', status: 'fail', detail: expect.stringContaining('ROUTELLM_CLIENT_KEYS is not set') }]);
    expect(unset.stdout).not.toContain('gpt-4-1106-preview');
  });

  it("options for a router this run does not load are ok (RouteLLM's one file), a misplaced expert's a warn (exit 0); a key that is no router at all still fails", async () => {
    const args = ['doctor', '--routers', 'random', '--base-url', upstream.baseURL, '--strong-model', 'big', '--weak-model', 'small', '--config'];
    await writeFile(join(dir, 'unused.yaml'), 'mf: {}\nbert: { checkpoint_path: routellm/bert_gpt4_augmented }\nrandom: { seed: 42 }\n');
    const unused = await runCliInProcess([...args, 'unused.yaml'], { cwd: dir });
    expect(unused.code, unused.stdout).toBe(0);
    expect(lines(unused.stdout)[0]).toMatch(/^ok +config +unused\.yaml reads$/);
    await writeFile(join(dir, 'mf-only.yaml'), 'mf: {}\n');
    const hybrid = await runCliInProcess(['doctor', '--routers', 'hybrid', '--base-url', upstream.baseURL, '--strong-model', 'big', '--weak-model', 'small', '--config', 'mf-only.yaml'], { cwd: dir });
    expect(hybrid.code, hybrid.stdout).toBe(0);
    expect(lines(hybrid.stdout)[0]).toMatch(/^warn +config +config file mf-only\.yaml: "mf:" configures the router of that name, which this run does not use \(it uses hybrid\): hybrid's mf expert takes hybrid: \{mf: \{\.\.\.\}\}$/);
    await writeFile(join(dir, 'typo.yaml'), 'random: { seed: 42 }\nrandm: { seed: 1 }\n');
    const typo = await runCliInProcess([...args, 'typo.yaml'], { cwd: dir });
    expect(typo.code).toBe(1);
    expect(lines(typo.stdout)[0]).toMatch(/^fail +config +config file typo\.yaml: "randm" is not a router here and is ignored/);
  });

  it('fits its lines to 80 columns when piped, and to $COLUMNS: long details wrap under their column, or under the check when names are long (QA finding 16)', async () => {
    for (const columns of [undefined, '60']) {
      const result = await runCliInProcess(['doctor', '--no-probe', '--strong-model', 'groqq/a-very-long-model-name-from-some-provider', '--weak-model', 'small'], { cwd: dir, env: columns ? { COLUMNS: columns } : {} });
      expect(result.code).toBe(1);
      // Only a word longer than the line itself (a model name in a URL) may overrun it.
      expect(result.stdout.split('\n').filter((line) => line.length > Number(columns ?? 80) && line.trim().includes(' '))).toEqual([]);
      expect(lines(result.stdout)).toContainEqual(expect.stringMatching(/^fail +key groqq\/a-very-long-model-name-from-some-provider .*no provider table knows/));
    }
  });
});
