import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers/run-cli-in-process.js';

let dir: string;
let config: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'routellm-route-list-'));
  config = join(dir, 'models.yaml');
  await writeFile(
    config,
    `models:
  - name: local-7b
    scored_as: mistralai/mistral-7b-chat
    price: { input: 0.2, output: 0.2 }
  - name: yi-34b
    scored_as: zero-one-ai/Yi-34B-Chat
    price: { input: 0.8, output: 0.8 }
  - gpt-4-1106-preview
`,
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const MODELS = ['local-7b', 'yi-34b', 'gpt-4-1106-preview'];

describe('routellm route over a models: list', () => {
  it('--json prints the chosen model, the knob and every model\'s predicted quality', async () => {
    const result = await runCliInProcess(['route', '--config', config, '--threshold', '1000', '--json', 'What is the capital of France?'], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const decision = JSON.parse(result.stdout);
    expect(decision).toMatchObject({ model: 'local-7b', router: 'knn', knob: 1000, share: null });
    expect(Object.keys(decision.qualities)).toEqual(MODELS);
    const best = JSON.parse((await runCliInProcess(['route', '--config', config, '--threshold', '0', '--json', 'What is the capital of France?'], { cwd: dir })).stdout);
    expect(best.qualities[best.model]).toBe(Math.max(...(Object.values(best.qualities) as number[])));
  });

  it('holds a cost share on the prompts read, and prints one line per prompt', async () => {
    const stdin = ['What is 2+2?', 'Prove that the square root of 2 is irrational.', 'Write a haiku.', 'Implement quicksort in Rust.'].join('\n');
    const result = await runCliInProcess(['route', '--config', config, '--threshold', '30%', '--json', '-'], { cwd: dir, stdin });
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.map((line) => line.line)).toEqual([1, 2, 3, 4]);
    expect(lines.every((line) => typeof line.prompt === 'string' && line.prompt.length > 0)).toBe(true);
    for (const line of lines) expect(line).toMatchObject({ router: 'knn', share: 0.3 });
    const text = await runCliInProcess(['route', '--config', config, '--threshold', '2.5', 'hello'], { cwd: dir });
    expect(text.stdout).toMatch(/^(local-7b|yi-34b|gpt-4-1106-preview)\tpredicted quality 0\.\d{4} at knob 2\.5 \(router knn; model [123] of 3, cheapest first\)\n$/);
  });

  it.each([
    [['--threshold', '-1'], '--threshold: threshold -1 is below 0; over a list of models the knob is a number >= 0'],
    [['--threshold', '0%'], `--threshold: threshold "0%": a cost share must be strictly between 0% and 100%; use knob 0 to send each call to the model predicted best, or call the cheapest model's own endpoint to skip routing`],
    [['--threshold', '$5/h'], '--threshold: a budget like $5/h is held on live traffic by routellm serve only; give a knob like 0.2 or a cost share like 30%'],
    [['--threshold', '30%', '--share-of-input'], '--share-of-input splits a batch between two models'],
    [['--router', 'difficulty'], '"difficulty" is not a router over a list of models; those are: knn, mf'],
  ])('%j is one line and exit 2', async (flags, message) => {
    const result = await runCliInProcess(['route', '--config', config, ...flags, 'hello'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('--strong-model and --weak-model take the two-model path over the file\'s list', async () => {
    const result = await runCliInProcess(['route', '--config', config, '--router', 'random', '--threshold', '0', '--strong-model', 's', '--weak-model', 'w', '--json', 'hi'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(Object.keys(JSON.parse(result.stdout))).toEqual(['model', 'router', 'threshold', 'strong_win_rate']);
  });
});
