import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mmluSplitOf } from '../../src/eval/mmlu-split.js';
import { judgeReply, readJsonlRecords, startLabelUpstreams, type LabelUpstreams } from '../helpers/label-upstreams.js';
import { runCliInProcess } from '../helpers/run-cli-in-process.js';

/** 100 math prompts and 100 others, from templates, so held-out prompts resemble trained ones without repeating them. */
function prompts(): { math: string[]; other: string[] } {
  const n = Array.from({ length: 10 }, (_, i) => i + 2);
  const math = n.flatMap((a, i) => [
    `Solve for x: ${a}x + ${a * 3} = ${a * 7 + i}.`,
    `What is the derivative of ${a}x^${i + 2} + ${a + 5}x with respect to x?`,
    `Compute the definite integral of x^${i + 1} from 0 to ${a}.`,
    `Prove that the sum of the first ${a * 5} odd numbers is a perfect square.`,
    `Find the eigenvalues of the 2x2 matrix [[${a}, ${i}], [${i + 1}, ${a + 2}]].`,
    `How many prime numbers are there below ${a * 50}?`,
    `Factor the polynomial x^2 + ${a + i + 1}x + ${a * (i + 1)}.`,
    `What is the probability of rolling exactly ${i % 4 + 1} sixes in ${a + 3} throws of a fair die?`,
    `Simplify the expression (${a}x + ${i + 1})(${a + 1}x - ${i + 2}).`,
    `Calculate the limit of (${a}n^2 + ${i}) / (n^2 + ${a}) as n goes to infinity.`,
  ]);
  const topics = ['autumn', 'the sea', 'a lighthouse', 'city rain', 'old friends', 'a quiet forest', 'winter mornings', 'a lost cat', 'summer festivals', 'the night sky'];
  const foods = ['garlic', 'basil', 'lentils', 'salmon', 'mushrooms', 'spinach', 'chickpeas', 'lemon', 'tofu', 'pumpkin'];
  const cities = ['Lisbon', 'Kyoto', 'Montreal', 'Edinburgh', 'Seville', 'Hanoi', 'Oslo', 'Cape Town', 'Valparaiso', 'Krakow'];
  const other = topics.flatMap((topic, i) => [
    `Write a short poem about ${topic}.`,
    `Suggest a dinner recipe with ${foods[i]} and ${foods[(i + 3) % 10]}.`,
    `Give me travel tips for a weekend in ${cities[i]}.`,
    `Write a polite email to my manager asking for a day off to visit ${cities[(i + 5) % 10]}.`,
    `Recommend three novels set in ${cities[i]}.`,
    `How do I keep a ${['fern', 'cactus', 'monstera', 'pothos', 'orchid', 'ficus', 'peace lily', 'snake plant', 'bonsai', 'calathea'][i]} healthy indoors?`,
    `Write a birthday message for a friend who loves ${topic}.`,
    `Describe a cosy cafe in ${cities[(i + 2) % 10]} for a short story.`,
    `What are good names for a pet ${['dog', 'cat', 'rabbit', 'parrot', 'hamster', 'turtle', 'goldfish', 'ferret', 'horse', 'lizard'][i]}?`,
    `Plan a relaxed Sunday picnic with ${foods[(i + 1) % 10]} sandwiches.`,
  ]);
  return { math, other };
}

let fakes: LabelUpstreams;
const { math, other } = prompts();
const isMath = new Set(math);

beforeAll(async () => {
  // The judge: on math the weak answer falls short (2: the strong model wins), elsewhere it is as good (5).
  fakes = await startLabelUpstreams({ judge: judgeReply((question) => (isMath.has(question) ? 2 : 5)) });
  await writeFile(join(fakes.dir, 'prompts.jsonl'), [...math, ...other].map((prompt) => JSON.stringify({ prompt })).join('\n') + '\n');
});
afterAll(() => fakes.close());

const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;

describe('label -> train: the loop learns what the judge prefers', () => {
  it('labels 200 prompts, trains mf on the battles with held-out metrics, and routes held-out math prompts more strongly than others', async () => {
    expect(math).toHaveLength(100);
    expect(other).toHaveLength(100);
    expect(new Set([...math, ...other]).size).toBe(200);
    const labelled = await runCliInProcess(['label', '--prompts', 'prompts.jsonl', '--out', 'battles.jsonl', '--concurrency', '16', ...fakes.flags], { cwd: fakes.dir });
    expect(labelled.code).toBe(0);
    expect(labelled.stdout).toContain('labelled 200 prompt(s) (weak won 100, strong won 100), 0 failed');
    const battles = await readJsonlRecords(join(fakes.dir, 'battles.jsonl'));
    expect(battles.filter((b) => b.winner === 'model_a').every((b) => isMath.has(b.prompt))).toBe(true);

    // No --strong-model/--weak-model: the battles name their pair.
    const trained = await runCliInProcess(['train', '--router', 'mf', '--data', 'battles.jsonl', '--out', 'my-mf'], { cwd: fakes.dir });
    expect(trained.stderr).toContain('routed pair from the battles\' strong_model/weak_model: strong s/strong-1, weak w/weak-1');
    expect(trained.code).toBe(0);
    const heldOut = [...math, ...other].filter((p) => mmluSplitOf(p) === 'eval');
    const heldMath = heldOut.filter((p) => isMath.has(p));
    const heldOther = heldOut.filter((p) => !isMath.has(p));
    expect(trained.stdout).toMatch(new RegExp(`^held out: ${heldOut.length} battles, accuracy [\\d.]+ on decisive ones, log-loss [\\d.]+$`, 'm'));
    // Half math, half not: a prompt-blind router gets about half right; this one ranks nearly every math prompt first.
    const baseline = Number(/^held out, prompt-blind baseline \(each pair's win share in the training battles\): accuracy ([\d.]+)/m.exec(trained.stdout)?.[1]);
    const accuracy = Number(/^held out: \d+ battles, accuracy ([\d.]+)/m.exec(trained.stdout)?.[1]);
    expect(accuracy).toBeGreaterThan(baseline);
    const auc = /^held out AUC ([\d.]+) of the strong win rate \(held-out strong-vs-weak battles: (\d+) strong wins, (\d+) weak wins\)$/m.exec(trained.stdout);
    expect(auc).not.toBeNull();
    expect(Number(auc![2])).toBe(heldMath.length);
    expect(Number(auc![3])).toBe(heldOther.length);
    expect(Number(auc![1])).toBeGreaterThan(0.9);

    // The trained router, loaded as serve would load it, on the held-out prompts.
    await writeFile(join(fakes.dir, 'trained.yaml'), 'mf:\n  checkpoint_path: ./my-mf\n');
    const routed = await runCliInProcess(['route', '--router', 'mf', '--config', 'trained.yaml', '--threshold', '0.5', '--json', '-'], {
      cwd: fakes.dir,
      stdin: heldOut.map((prompt) => JSON.stringify({ prompt })).join('\n') + '\n',
    });
    expect(routed.code).toBe(0);
    const rates = routed.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).strong_win_rate as number);
    const rate = new Map(heldOut.map((p, i) => [p, rates[i]!]));
    const mathMean = mean(heldMath.map((p) => rate.get(p)!));
    const otherMean = mean(heldOther.map((p) => rate.get(p)!));
    expect(mathMean).toBeGreaterThan(otherMean);
    expect(Math.min(...heldMath.map((p) => rate.get(p)!))).toBeGreaterThan(otherMean);

    // Shares of the new weights, through a calibration table of the labelled prompts (docs/learn-from-traffic.md).
    const table = await runCliInProcess(['calibrate', '--write-table', '--routers', 'mf', '--config', 'trained.yaml', '--prompts', 'prompts.jsonl', '--table', 'my-table.json'], { cwd: fakes.dir });
    expect(table.code).toBe(0);
    const half = await runCliInProcess(['route', '--router', 'mf', '--config', 'trained.yaml', '--threshold', '50%', '--json', '--strong-model', 's/strong-1', '--weak-model', 'w/weak-1', '-'], {
      cwd: fakes.dir,
      env: { ROUTELLM_CALIBRATION_TABLE: join(fakes.dir, 'my-table.json') },
      stdin: heldOut.map((prompt) => JSON.stringify({ prompt })).join('\n') + '\n',
    });
    expect(half.code).toBe(0);
    const strong = half.stdout
      .trim()
      .split('\n')
      .map((line, i) => [heldOut[i]!, JSON.parse(line).model as string] as const)
      .filter(([, model]) => model === 's/strong-1')
      .map(([prompt]) => prompt);
    // Half the labelled prompts are math: router-mf-50% sends the held-out math prompts strong, and only them.
    expect(strong.sort()).toEqual([...heldMath].sort());
  });
});
