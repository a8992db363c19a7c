import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJsonlRecords, startLabelUpstreams, type LabelUpstreams } from '../helpers/label-upstreams.js';
import { runCliInProcess } from '../helpers/run-cli-in-process.js';

let fakes: LabelUpstreams;
let list: string;
beforeAll(async () => {
  fakes = await startLabelUpstreams();
  // A models: list as serve reads it: each model at its entry's base_url, with its key variable and price.
  list = join(fakes.dir, 'list.yaml');
  await writeFile(
    list,
    `models:
  - { name: small, base_url: "${fakes.weak.baseURL}", price: { input: 0.5, output: 1 } }
  - { name: judge-m, base_url: "${fakes.judge.baseURL}", api_key_env: JUDGE_KEY, price: { input: 5, output: 15 } }
  - { name: big, base_url: "${fakes.strong.baseURL}", price: { input: 10, output: 30 } }
`,
  );
  await writeFile(join(fakes.dir, 'two.txt'), 'first prompt\nsecond prompt\n');
});
afterAll(() => fakes.close());

describe('routellm label --config with a models: list (QA-6 V)', () => {
  it('sends the models the list names where their entries say, with their keys, at their prices', async () => {
    const out = join(fakes.dir, 'list-battles.jsonl');
    const result = await runCliInProcess(
      ['label', '--prompts', 'two.txt', '--config', list, '--strong-model', 'big', '--weak-model', 'small', '--judge-model', 'judge-m', '--out', out, '--max-cost', '1'],
      { cwd: fakes.dir, env: { JUDGE_KEY: 'judge-secret' } },
    );
    expect(result.stderr).toContain(`strong big at ${fakes.strong.baseURL}`);
    expect(result.code).toBe(0);
    expect(fakes.strong.requests.map((r) => r.body.model)).toEqual(['big', 'big']);
    expect(fakes.weak.requests.map((r) => r.body.model)).toEqual(['small', 'small']);
    expect(fakes.judge.requests.map((r) => r.headers['authorization'])).toEqual(['Bearer judge-secret', 'Bearer judge-secret']);
    const battles = await readJsonlRecords(out);
    // Each call's tokens at its entry's price (USD per million tokens): big 10/30, small 0.5/1, judge-m 5/15.
    const { strong, weak, judge } = battles[0].usage;
    const expected = strong.input_tokens * 10 + strong.output_tokens * 30 + weak.input_tokens * 0.5 + weak.output_tokens * 1 + judge.input_tokens * 5 + judge.output_tokens * 15;
    expect(battles[0].cost_usd).toBeCloseTo(expected / 1e6, 12);
    expect(battles[0].cost_usd).toBeGreaterThan(0);
  });

  it('without the pair, says to choose it among the list, naming its models (exit 2)', async () => {
    const result = await runCliInProcess(['label', '--prompts', 'two.txt', '--config', list, '--judge-model', 'big', '--out', 'x.jsonl', '--dry-run'], { cwd: fakes.dir, env: {} });
    expect(result.stderr).toBe(
      `routellm: ${list} has a models: list; choose the pair to label with --strong-model/--weak-model among its models (small, judge-m, big), e.g. --strong-model big --weak-model small\n`,
    );
    expect(result.code).toBe(2);
  });
});
