import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliChild } from '../helpers/run-cli-child.js';
import { runCliInProcess } from '../helpers/run-cli-in-process.js';

const MODELS = 'mistralai/mistral-7b-chat,zero-one-ai/Yi-34B-Chat,gpt-4-1106-preview';
let dir: string;
let prompts: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'routellm-calibrate-models-'));
  prompts = join(dir, 'traffic.txt');
  await writeFile(
    prompts,
    // Six kinds of prompt, 17 of each: 102, past the 100 below which calibrate warns that a share is noisy.
    Array.from({ length: 17 }, (_, i) =>
      ['What is 2+2?', 'Prove that there are infinitely many primes.', 'Write a Python function that merges two sorted lists.', 'Which planet is the red planet? A) Venus B) Mars', 'Translate "thank you" into German.', 'Explain the halting problem.'].map((prompt) => `${prompt} (${i})`),
    )
      .flat()
      .join('\n'),
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('routellm calibrate --models', () => {
  it('prints the knob for a cost share over the prompts; a larger share gives a smaller knob', async () => {
    const low = await runCliInProcess(['calibrate', '--models', MODELS, '--strong-model-pct', '10%', '--prompts', prompts, '--json'], { cwd: dir });
    expect(low.stderr).toBe('');
    const high = await runCliInProcess(['calibrate', '--models', MODELS, '--strong-model-pct', '90%', '--prompts', prompts, '--json'], { cwd: dir });
    const [a, b] = [JSON.parse(low.stdout), JSON.parse(high.stdout)];
    expect(a).toMatchObject({ router: 'knn', models: MODELS.split(','), cost_share_pct: 10, n: 102 });
    expect(b.cost_share_pct).toBe(90);
    expect(a.knob).toBeGreaterThan(b.knob);
    const text = await runCliInProcess(['calibrate', '--models', MODELS, '--strong-model-pct', '30%', '--prompts', prompts], { cwd: dir });
    expect(text.stdout).toMatch(/^For a 30\.0% cost share over mistralai\/mistral-7b-chat, zero-one-ai\/Yi-34B-Chat, gpt-4-1106-preview for knn, knob = [\d.]+ \(router-knn-[\d.]+; 102 prompts\)\n$/);
  });

  it('takes the models of the config list, with their prices and scored_as', async () => {
    const config = join(dir, 'list.yaml');
    await writeFile(config, 'models:\n  - name: small\n    scored_as: mistralai/mistral-7b-chat\n    price: { input: 0.1, output: 0.1 }\n  - name: big\n    scored_as: gpt-4-1106-preview\n    price: { input: 10, output: 30 }\n');
    const result = await runCliInProcess(['calibrate', '--config', config, '--models', 'small,big', '--strong-model-pct', '50%', '--prompts', prompts, '--json'], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toMatchObject({ models: ['small', 'big'], cost_share_pct: 50 });
    const unknown = await runCliInProcess(['calibrate', '--config', config, '--models', 'small,huge', '--strong-model-pct', '50%', '--prompts', prompts], { cwd: dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--models: "huge" is not in the models: list of');
  });

  it("takes the config's models: list when --models is not given (it printed the default pair router's threshold)", async () => {
    const config = join(dir, 'list-only.yaml');
    await writeFile(config, 'models:\n  - name: small\n    scored_as: mistralai/mistral-7b-chat\n    price: { input: 0.1, output: 0.1 }\n  - name: big\n    scored_as: gpt-4-1106-preview\n    price: { input: 10, output: 30 }\n');
    const result = await runCliInProcess(['calibrate', '--config', config, '--strong-model-pct', '30%', '--prompts', prompts, '--json'], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ router: 'knn', models: ['small', 'big'], cost_share_pct: 30, n: 102 });
    const noPrompts = await runCliInProcess(['calibrate', '--config', config, '--strong-model-pct', '30%'], { cwd: dir });
    expect(noPrompts.code).toBe(2);
    expect(noPrompts.stderr).toBe(`routellm: ${config} holds a models: list: the knob for a cost share over it depends on the traffic, so give --prompts FILE (prompts like yours)\n`);
  });

  it('with a models: list in --config, --routers chooses among the routers over that list (it printed a pair threshold; knn was unknown)', async () => {
    const config = join(dir, 'list-routers.yaml');
    await writeFile(config, 'models:\n  - name: small\n    scored_as: mistralai/mistral-7b-chat\n    price: { input: 0.05, output: 0.08 }\n  - name: mid\n    scored_as: zero-one-ai/Yi-34B-Chat\n    price: { input: 0.8, output: 0.8 }\n  - name: big\n    scored_as: gpt-4-1106-preview\n    price: { input: 10, output: 30 }\n');
    const named = await runCliChild(['calibrate', '--config', config, '--routers', 'mf', 'knn', '--strong-model-pct', '30%', '--prompts', prompts, '--json'], { cwd: dir });
    expect(named.stderr).toBe('');
    expect(named.code).toBe(0);
    const lines = named.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.map((line) => [line.router, line.models, line.cost_share_pct])).toEqual([
      ['mf', ['small', 'mid', 'big'], 30],
      ['knn', ['small', 'mid', 'big'], 30],
    ]);
    // The same knob as naming the list's models.
    const explicit = await runCliChild(['calibrate', '--config', config, '--models', 'small,mid,big', '--routers', 'mf', '--strong-model-pct', '30%', '--prompts', prompts, '--json'], { cwd: dir });
    expect(JSON.parse(explicit.stdout).knob).toBe(lines[0].knob);
    for (const extra of [['--prompts', prompts], []]) {
      const pair = await runCliChild(['calibrate', '--config', config, '--routers', 'knn', 'difficulty', '--strong-model-pct', '30%', ...extra], { cwd: dir });
      expect(pair.code).toBe(2);
      expect(pair.stdout).toBe('');
      expect(pair.stderr).toBe('routellm: "difficulty" is not a router over a list of models; those are: knn, mf\n');
    }
  });

  it('--models without --config: a name the router does not score is told to use its names or a config list, not an entry it does not have', async () => {
    const result = await runCliChild(['calibrate', '--models', 'small,big', '--strong-model-pct', '30%', '--prompts', prompts], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^routellm: --models\[0\]: router "knn" does not score "small"; it scores "mistralai\/mistral-7b-chat", .*; name the router's models in --models, or give --config with a models: list whose entries say which each is with scored_as:\n$/);
    expect(result.stderr).not.toContain('in the entry');
  });

  it.each([
    [['--models', 'a'], '--models must name two models or more'],
    [['--models', 'a,a'], '--models names "a" twice'],
    [['--models', MODELS], '--models needs --strong-model-pct'],
    [['--models', MODELS, '--strong-model-pct', '30%'], '--models needs --prompts FILE'],
    [['--models', MODELS, '--strong-model-pct', '30%', '--write-table'], '--models prints the knob for a cost share over --prompts and takes no --write-table'],
    [['--models', 'gpt-4o-mini,gpt-4o', '--strong-model-pct', '30%', '--prompts', 'PROMPTS'], '--models[0]: router "knn" does not score "gpt-4o-mini"'],
    [['--models', MODELS, '--routers', 'difficulty', '--strong-model-pct', '30%', '--prompts', 'PROMPTS'], '"difficulty" is not a router over a list of models'],
  ])('%j is one line and exit 2', async (flags, message) => {
    const result = await runCliInProcess(['calibrate', ...flags.map((flag) => (flag === 'PROMPTS' ? prompts : flag))], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});
