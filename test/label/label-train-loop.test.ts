import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mmluSplitOf } from '../../src/eval/mmlu-split.js';
import { judgeReply, readJsonlRecords, startLabelUpstreams, type LabelUpstreams } from '../helpers/label-upstreams.js';
import { mathAndOtherPrompts as prompts } from '../helpers/math-and-other-prompts.js';
import { runCliInProcess } from '../helpers/run-cli-in-process.js';

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
