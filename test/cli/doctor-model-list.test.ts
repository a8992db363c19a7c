import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { doctorEntries as lines } from '../helpers/doctor-entries.js';
import { runCliInProcess } from '../helpers/run-cli-in-process.js';
import { startUpstreamServer, type UpstreamServer } from '../helpers/upstream-server.js';

let dir: string;
let local: UpstreamServer;
let mid: UpstreamServer;
let frontier: UpstreamServer;
let refusing: Server;
let refusingURL: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'routellm-doctor-list-'));
  local = await startUpstreamServer({ models: ['local-7b'] });
  mid = await startUpstreamServer({ models: ['mid-13b', 'other'] });
  frontier = await startUpstreamServer({ models: ['frontier', 'gpt-4o'] });
  // An upstream that refuses every key, as a provider does with a wrong one.
  refusing = createServer((request, response) => {
    request.resume();
    response.writeHead(401, { 'content-type': 'application/json' }).end('{"error":{"message":"bad key"}}');
  });
  await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
  refusingURL = `http://127.0.0.1:${(refusing.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  for (const upstream of [local, mid, frontier]) await upstream.close();
  await new Promise((resolve) => refusing.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

/** A models: list of three, each entry sent its own way: a base URL without a key, a provider, a base URL with its own key. */
function listConfig(urls: { local: string; mid: string; frontier: string }, extra = ''): string {
  return `models:
  - name: local-7b
    base_url: ${urls.local}
    scored_as: mistralai/mistral-7b-chat
    price: { input: 0.2, output: 0.2 }
  - name: mid-13b
    provider: mine
    scored_as: WizardLM/WizardLM-13B-V1.2
    price: { input: 0.5, output: 1.5 }
  - name: frontier
    base_url: ${urls.frontier}
    api_key_env: FRONTIER_KEY
    scored_as: gpt-4-1106-preview
    price: { input: 10, output: 30 }
providers:
  mine: { base_url: "${urls.mid}", api_key_env: MINE_KEY }
${extra}`;
}

describe('routellm doctor over a models: list', () => {
  it("checks each model of the list as serve sends it: its key and endpoint, its upstream's list, the router scoring it; exit 0", async () => {
    // knn: is the list router's section: read, so neither unknown nor unused.
    await writeFile(join(dir, 'knn-list.yaml'), listConfig({ local: local.baseURL, mid: mid.baseURL, frontier: frontier.baseURL }, 'knn: {}\n'));
    const result = await runCliInProcess(['doctor', '--config', 'knn-list.yaml'], { cwd: dir, env: { FRONTIER_KEY: 'sk-f', MINE_KEY: 'sk-m', OPENAI_API_KEY: 'sk-openai' } });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const out = lines(result.stdout);
    expect(out.every((line) => line.startsWith('ok  ')), result.stdout).toBe(true);
    expect(out).toContainEqual(expect.stringMatching(/^ok +models +3 models, cheapest first: local-7b, mid-13b, frontier \(the reference: frontier\)$/));
    // One line per model for each check, as for the pair; a base URL without api_key_env gets no key (never OPENAI_API_KEY).
    expect(out).toContainEqual(expect.stringMatching(new RegExp(`^ok +key local-7b +custom at ${local.baseURL}, no key \\(none sent\\)$`)));
    expect(out).toContainEqual(expect.stringMatching(new RegExp(`^ok +key mid-13b +mine at ${mid.baseURL}.*, key set$`)));
    expect(out).toContainEqual(expect.stringMatching(new RegExp(`^ok +key frontier +custom at ${frontier.baseURL}, key set$`)));
    for (const [model, upstream] of [['local-7b', local], ['mid-13b', mid], ['frontier', frontier]] as const) {
      expect(out).toContainEqual(expect.stringMatching(new RegExp(`^ok +upstream ${model} +${upstream.baseURL}/models lists "${model}"$`)));
    }
    expect(out).toContainEqual(expect.stringMatching(/^ok +routers +knn loaded, scoring every model of the list$/));
    expect(out).toContainEqual(expect.stringMatching(/^ok +calibration +over a list a cost share \(router-knn-30%\) is cut on the traffic served: no table needed$/));
    expect(result.stderr).toBe('');
  });

  it('fails per model, exit 1: an unset key, a model its upstream does not list, a refused key; --json says the same', async () => {
    await writeFile(join(dir, 'broken.yaml'), listConfig({ local: refusingURL, mid: local.baseURL, frontier: frontier.baseURL }));
    const result = await runCliInProcess(['doctor', '--config', 'broken.yaml', '--json'], { cwd: dir, env: { MINE_KEY: 'sk-m' } });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { ok: boolean; checks: { check: string; status: string; detail: string }[] };
    expect(report.ok).toBe(false);
    const check = (name: string) => report.checks.find((entry) => entry.check === name);
    expect(check('models')).toMatchObject({ status: 'ok' });
    expect(check('key frontier')).toMatchObject({ status: 'fail', detail: expect.stringContaining('with the key in FRONTIER_KEY, which is not set; export FRONTIER_KEY') });
    expect(check('upstream local-7b')).toMatchObject({ status: 'fail', detail: expect.stringContaining('refused the key with 401') });
    expect(check('upstream mid-13b')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/does not list "mid-13b" among its 1 models.*it lists e.g. local-7b/) });
    // A model whose key failed is not probed: one problem, one line.
    expect(check('upstream frontier')).toBeUndefined();
    expect(check('routers')).toMatchObject({ status: 'ok' });
  });

  it('a bad list is one fail line and exit 2, as serve refuses it', async () => {
    const cases: [string, string, RegExp][] = [
      ['one model', 'models:\n  - { name: a, price: { input: 1, output: 1 } }\n', /^fail +models +.*one\.yaml: models must list at least two models, cheapest first \(got 1\)/],
      ['twice', 'models:\n  - { name: a, price: { input: 1, output: 1 } }\n  - { name: a, price: { input: 2, output: 2 } }\n', /^fail +models +.*models\[1\]: model "a" is listed twice/],
      ['no price', 'models:\n  - { name: a, price: { input: 1, output: 1 } }\n  - name-nobody-prices\n', /^fail +models +.*models\[1\] \("name-nobody-prices"\) has no price/],
      ['unknown key', 'models:\n  - { name: a, price: { input: 1, output: 1 }, colour: red }\n  - { name: b, price: { input: 2, output: 2 } }\n', /^fail +config +.*models\[0\].*colour/],
      ['not scored', 'models:\n  - { name: a, base_url: "http://127.0.0.1:9/v1", price: { input: 1, output: 1 } }\n  - { name: gpt-4-1106-preview, base_url: "http://127.0.0.1:9/v1", price: { input: 10, output: 30 } }\n', /^fail +routers +.*router "knn" does not score "a"; it scores .*; name one of them with scored_as:/],
    ];
    for (const [name, yaml, line] of cases) {
      const file = `${name.replace(/ /g, '-')}.yaml`.replace('one-model', 'one');
      await writeFile(join(dir, file), yaml);
      const result = await runCliInProcess(['doctor', '--config', file, '--no-probe'], { cwd: dir });
      expect(result.code, `${name}: ${result.stdout}`).toBe(2);
      const failed = lines(result.stdout).filter((entry) => entry.startsWith('fail'));
      expect(failed, name).toHaveLength(1);
      expect(failed[0], name).toMatch(line);
      expect(result.stderr, name).toBe('');
    }
  });

  it('a pair given wins over the file\'s list, as in serve', async () => {
    await writeFile(join(dir, 'list.yaml'), listConfig({ local: local.baseURL, mid: mid.baseURL, frontier: frontier.baseURL }));
    const result = await runCliInProcess(['doctor', '--config', 'list.yaml', '--routers', 'random', '--base-url', frontier.baseURL, '--strong-model', 'frontier', '--weak-model', 'gpt-4o'], { cwd: dir });
    expect(result.code, result.stdout).toBe(0);
    expect(lines(result.stdout)).toContainEqual(expect.stringMatching(/^ok +models +strong frontier, weak gpt-4o$/));
  });
});
