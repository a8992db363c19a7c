import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readTrainingData } from '../../src/train/read-training-data.js';
import { promptSampleLine } from '../../src/label/prompt-sample.js';
import { judgeReply, startLabelUpstreams, type LabelUpstreams, readJsonlRecords } from '../helpers/label-upstreams.js';
import { runCliInProcess } from '../helpers/run-cli-in-process.js';
import { lastText } from '../helpers/upstream-server.js';

let fakes: LabelUpstreams | undefined;
afterEach(async () => {
  await fakes?.close();
  fakes = undefined;
});


describe('routellm label', () => {
  it('answers each prompt with both models, has the judge rate the weak answer, and writes battles train reads', async () => {
    fakes = await startLabelUpstreams({ judge: judgeReply((question) => (question.includes('hard') ? 2 : 5)) });
    const prompts = join(fakes.dir, 'prompts.csv');
    await writeFile(prompts, 'id,prompt\n1,an easy one\n2,"a hard one, with a comma"\n3,another easy one\n');
    const out = join(fakes.dir, 'battles.jsonl');
    const result = await runCliInProcess(['label', '--prompts', prompts, '--out', out, ...fakes.flags], { cwd: fakes.dir });
    expect(result.stderr).toContain('label plan: 3 prompt(s)');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('labelled 3 prompt(s) (weak won 2, strong won 1), 0 failed');

    const battles = await readJsonlRecords(out);
    expect(battles.map((b) => [b.prompt, b.winner, b.judge_score])).toEqual([
      ['an easy one', 'model_b', 5],
      ['a hard one, with a comma', 'model_a', 2],
      ['another easy one', 'model_b', 5],
    ]);
    const first = battles[0];
    expect(first).toMatchObject({
      model_a: 's/strong-1',
      model_b: 'w/weak-1',
      strong_model: 's/strong-1',
      weak_model: 'w/weak-1',
      judge_model: 'j/judge-1',
      judge_verdict: 'The answer covers the question. Rating: [[5]]',
      winner_rule: 'routellm',
      usage: { strong: { input_tokens: 10, output_tokens: 5 }, weak: { input_tokens: 10, output_tokens: 5 }, judge: { input_tokens: 10, output_tokens: 7 } },
    });
    // 10 in + 5 out at 10/30, 10 + 5 at 0.5/1, 10 + 7 at 5/15 USD per million tokens.
    expect(first.cost_usd).toBeCloseTo((10 * 10 + 5 * 30 + 10 * 0.5 + 5 * 1 + 10 * 5 + 7 * 15) / 1e6, 12);
    expect(first.prompt_id).toMatch(/^[0-9a-f]{32}$/);
    expect(first.answers).toBeUndefined();

    // Both models got the prompt as the user message; the judge got both answers.
    expect(fakes.strong.requests.map((r) => r.body.model).sort()).toEqual(['strong-1', 'strong-1', 'strong-1']);
    expect(fakes.weak.requests.map((r) => lastText(r.body)).sort()).toEqual(['a hard one, with a comma', 'an easy one', 'another easy one']);
    const judged = lastText(fakes.judge.requests.find((r) => lastText(r.body).includes('a hard one'))!.body);
    expect(judged).toContain('[Reference answer]\nstrong answer: a hard one, with a comma\n');
    expect(judged).toContain('[Answer to grade]\nweak answer: a hard one, with a comma\n');

    // routellm train reads the file as battles (its extra fields ignored).
    const data = await readTrainingData([out]);
    expect(data.battles.map((b) => [b.modelA, b.modelB, b.winner])).toEqual([
      ['s/strong-1', 'w/weak-1', 'model_b'],
      ['s/strong-1', 'w/weak-1', 'model_a'],
      ['s/strong-1', 'w/weak-1', 'model_b'],
    ]);
  });

  it('reads JSONL, the serve sample format and plain text lines, and keeps answers with --keep-answers', async () => {
    fakes = await startLabelUpstreams();
    const sample = join(fakes.dir, 'samples.jsonl');
    await writeFile(
      sample,
      promptSampleLine({ timestamp: '2025-06-01T12:00:00.000Z', prompt: 'sampled one', router: 'mf', threshold: 0.116, strong_win_rate: 0.4, model: 's/strong-1' }) +
        promptSampleLine({ timestamp: '2025-06-01T12:00:01.000Z', prompt: 'sampled two', router: 'mf', threshold: 0.116, strong_win_rate: 0.1, model: 'w/weak-1', fields: { user: 'u1' } }),
    );
    const text = join(fakes.dir, 'prompts.txt');
    await writeFile(text, 'line one\n\nline two\n');
    const out = join(fakes.dir, 'battles.jsonl');
    expect((await runCliInProcess(['label', '--prompts', sample, '--out', out, '--keep-answers', ...fakes.flags], { cwd: fakes.dir })).code).toBe(0);
    const result = await runCliInProcess(['label', '--prompts', text, '--out', out, '--keep-answers', ...fakes.flags], { cwd: fakes.dir });
    expect(result.code).toBe(0);
    const battles = await readJsonlRecords(out);
    expect(battles.map((b) => b.prompt)).toEqual(['sampled one', 'sampled two', 'line one', 'line two']);
    expect(battles[0].answers).toEqual({ strong: 'strong answer: sampled one', weak: 'weak answer: sampled one' });
  });
});
