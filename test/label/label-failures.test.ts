import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { judgeReply, startLabelUpstreams, type LabelUpstreams, readJsonlRecords } from '../helpers/label-upstreams.js';
import { runCliInProcess } from '../helpers/run-cli-in-process.js';
import { lastText, type RecordedRequest, type UpstreamReply } from '../helpers/upstream-server.js';

let fakes: LabelUpstreams | undefined;
afterEach(async () => {
  await fakes?.close();
  fakes = undefined;
});


async function promptFile(dir: string, prompts: string[]): Promise<string> {
  const path = join(dir, 'prompts.txt');
  await writeFile(path, `${prompts.join('\n')}\n`);
  return path;
}

/** Records when each request arrived, then answers with `reply`. */
function timed(arrivals: number[], reply: (request: RecordedRequest) => UpstreamReply) {
  return (request: RecordedRequest) => {
    arrivals.push(Date.now());
    return reply(request);
  };
}

describe('routellm label when upstreams fail', () => {
  it("pauses every call for a 429's retry-after, then retries, and labels every prompt", async () => {
    const arrivals: number[] = [];
    let limited: number | undefined;
    let strongCalls = 0;
    fakes = await startLabelUpstreams({
      strong: timed(arrivals, (request) => {
        strongCalls += 1;
        if (strongCalls === 2) {
          limited = Date.now();
          return { kind: 'error', status: 429, headers: { 'retry-after': '1' }, body: { error: { message: 'slow down', type: 'rate_limit', param: null, code: 'rate_limit_exceeded' } } };
        }
        return { kind: 'json', content: `strong answer: ${lastText(request.body)}` };
      }),
      weak: timed(arrivals, (request) => ({ kind: 'json', content: `weak answer: ${lastText(request.body)}` })),
      judge: timed(arrivals, judgeReply(() => 4)),
    });
    const prompts = await promptFile(fakes.dir, ['p1', 'p2', 'p3', 'p4']);
    const out = join(fakes.dir, 'battles.jsonl');
    const result = await runCliInProcess(['label', '--prompts', prompts, '--out', out, '--concurrency', '2', ...fakes.flags], { cwd: fakes.dir });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("rate limited (429): pausing every call for 1.0 s (the upstream's retry-after); up to 1 prompt(s) at a time");
    expect((await readJsonlRecords(out)).map((b) => b.prompt).sort()).toEqual(['p1', 'p2', 'p3', 'p4']);
    expect(strongCalls).toBe(5);
    // Calls already on the wire when the 429 came may land in the window; every call sent after it waited.
    const sentInWindow = arrivals.filter((t) => t > limited! + 50 && t < limited! + 950);
    expect(sentInWindow).toEqual([]);
    expect(arrivals.some((t) => t >= limited! + 950)).toBe(true);
  });

  it('retries 5xx after a global pause, and writes a prompt whose calls keep failing to --failed with the reason', async () => {
    const failing = new Map<string, number>();
    fakes = await startLabelUpstreams({
      weak: (request) => {
        const prompt = lastText(request.body);
        const seen = (failing.get(prompt) ?? 0) + 1;
        failing.set(prompt, seen);
        // "flaky" fails once then answers; "broken" always fails.
        // retry-after-ms keeps the test quick; without it the pause is 1 s, doubling (rate-gate.test.ts).
        if (prompt === 'broken' || (prompt === 'flaky' && seen === 1)) return { kind: 'error', status: 500, headers: { 'retry-after-ms': '20' } };
        return { kind: 'json', content: `weak answer: ${prompt}` };
      },
    });
    const prompts = await promptFile(fakes.dir, ['flaky', 'broken', 'fine']);
    const out = join(fakes.dir, 'battles.jsonl');
    const result = await runCliInProcess(['label', '--prompts', prompts, '--out', out, '--retries', '1', '--concurrency', '1', ...fakes.flags], { cwd: fakes.dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('routellm: 1 prompt(s) failed; they are in battles.failed.jsonl with the reason, and a re-run tries them again');
    expect(result.stdout).toContain('labelled 2 prompt(s)');
    expect((await readJsonlRecords(out)).map((b) => b.prompt)).toEqual(['flaky', 'fine']);
    const failed = await readJsonlRecords(join(fakes.dir, 'battles.failed.jsonl'));
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ prompt: 'broken', stage: 'weak answer', status: 500, strong_model: 's/strong-1', weak_model: 'w/weak-1', judge_model: 'j/judge-1' });
    expect(failed[0].reason).toBe('model "w/weak-1" answered 500: upstream says 500 (gave up after 2 attempts)');
    expect(failing.get('broken')).toBe(2);
  });

  it('reads verdicts in any usual form, and sends a verdict with no rating to --failed with the raw answer', async () => {
    const verdicts: Record<string, string> = {
      a: 'Close to the reference.\n[[4]]',
      b: 'I will answer as "[[rating]]", e.g. [[1]]. My rating: [[ 2 ]]',
      c: 'Rating: 5/5',
      d: 'Mostly right [3]',
      e: '4',
      f: 'The answer is fine, I think.',
      g: 'Rating: [[9]]',
    };
    fakes = await startLabelUpstreams({ judge: judgeReply((question) => verdicts[question]!) });
    const prompts = await promptFile(fakes.dir, Object.keys(verdicts));
    const out = join(fakes.dir, 'battles.jsonl');
    const result = await runCliInProcess(['label', '--prompts', prompts, '--out', out, '--winner-rule', 'three-way', ...fakes.flags], { cwd: fakes.dir });
    expect(result.code).toBe(1);
    const battles = await readJsonlRecords(out);
    expect(Object.fromEntries(battles.map((b) => [b.prompt, [b.judge_score, b.winner]]))).toEqual({
      a: [4, 'model_b'],
      b: [2, 'model_a'],
      c: [5, 'model_b'],
      d: [3, 'tie'],
      e: [4, 'model_b'],
    });
    expect(battles.find((b) => b.prompt === 'b').judge_verdict).toBe(verdicts['b']);
    const failed = await readJsonlRecords(join(fakes.dir, 'battles.failed.jsonl'));
    expect(failed.map((f) => [f.prompt, f.stage, f.reason, f.judge_verdict])).toEqual(
      expect.arrayContaining([
        ['f', 'verdict', 'no [[1-5]] rating in the judge answer', verdicts['f']],
        ['g', 'verdict', "the judge's rating [[9]] is outside 1-5", verdicts['g']],
      ]),
    );
    expect(failed).toHaveLength(2);
  });

  it("writes a prompt one model refuses (400) to --failed at once, and aborts the other model's answer instead of paying for it", async () => {
    fakes = await startLabelUpstreams({
      strong: (request) => ({ kind: 'json', content: `strong answer: ${lastText(request.body)}`, delayMs: lastText(request.body) === 'too long' ? 20_000 : 0 }),
      weak: (request) =>
        lastText(request.body) === 'too long'
          ? { kind: 'error', status: 400, body: { error: { message: "This model's maximum context length is 8192 tokens", type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' } } }
          : { kind: 'json', content: `weak answer: ${lastText(request.body)}` },
    });
    const prompts = await promptFile(fakes.dir, ['too long', 'fine']);
    const out = join(fakes.dir, 'battles.jsonl');
    const result = await runCliInProcess(['label', '--prompts', prompts, '--out', out, ...fakes.flags], { cwd: fakes.dir });
    expect(result.code).toBe(1);
    expect((await readJsonlRecords(out)).map((b) => b.prompt)).toEqual(['fine']);
    const [failure] = await readJsonlRecords(join(fakes.dir, 'battles.failed.jsonl'));
    expect(failure).toMatchObject({ prompt: 'too long', stage: 'weak answer', status: 400, reason: "model \"w/weak-1\" answered 400: This model's maximum context length is 8192 tokens" });
    const strongCall = fakes.strong.requests.find((r) => lastText(r.body) === 'too long')!;
    expect(await strongCall.closed).toEqual({ early: true });
    expect(fakes.weak.requests).toHaveLength(2);
  });

  it('stops the whole run on a 401 (a wrong key fails every prompt), exit 1, with nothing counted as failed', async () => {
    fakes = await startLabelUpstreams({ judge: () => ({ kind: 'error', status: 401, body: { error: { message: 'Incorrect API key', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } } }) });
    const prompts = await promptFile(fakes.dir, ['p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
    const out = join(fakes.dir, 'battles.jsonl');
    const result = await runCliInProcess(['label', '--prompts', prompts, '--out', out, '--concurrency', '1', ...fakes.flags], { cwd: fakes.dir });
    expect(result.code).toBe(1);
    // It is label's request the judge refused (there is no gateway in label).
    expect(result.stderr).toMatch(/routellm: model "j\/judge-1" refused routellm label's request \(401: Incorrect API key\).*; 6 prompt\(s\) not labelled yet: fix this and run the same command again to continue\n$/);
    expect(result.stderr).not.toContain('gateway');
    // Nothing to train on: no train hint for an empty file.
    expect(result.stdout).toContain('battles.jsonl holds 0 battle(s)\n');
    expect(result.stdout).not.toContain('routellm train');
    expect(fakes.judge.requests).toHaveLength(1);
    expect(await readJsonlRecords(out)).toEqual([]);
    // The one prompt that reached the judge keeps its two paid answers for the re-run; it is not counted as failed.
    expect(result.stdout).toContain(', 0 failed, ');
    const kept = await readJsonlRecords(join(fakes.dir, 'battles.failed.jsonl'));
    expect(kept).toEqual([
      expect.objectContaining({
        prompt: 'p1',
        stage: 'judge',
        reason: expect.stringMatching(/^the run stopped \(model "j\/judge-1" refused .*\) before this prompt was labelled; its answers are kept for the re-run$/),
        paid_answers: { max_tokens: null, strong: { content: 'strong answer: p1', usage: expect.any(Object) }, weak: { content: 'weak answer: p1', usage: expect.any(Object) } },
      }),
    ]);
    // With the judge's key fixed, the re-run judges p1 without asking either model again.
    fakes.judge.reply = judgeReply(() => 4);
    const again = await runCliInProcess(['label', '--prompts', prompts, '--out', out, '--concurrency', '1', ...fakes.flags], { cwd: fakes.dir });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/to label now: 6 \(1 with answers an earlier run paid for, kept in battles\.failed\.jsonl: only judged now\)/);
    expect(fakes.strong.requests.filter((request) => lastText(request.body) === 'p1')).toHaveLength(1);
    expect(fakes.weak.requests.filter((request) => lastText(request.body) === 'p1')).toHaveLength(1);
    expect((await readJsonlRecords(out)).map((b) => b.prompt).sort()).toEqual(['p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
    expect(await readJsonlRecords(join(fakes.dir, 'battles.failed.jsonl'))).toEqual([]);
  });

  it('keeps the answers of a prompt whose judge writes no rating: a re-run only re-judges, and --failed keeps one line per prompt', async () => {
    let rating = false;
    fakes = await startLabelUpstreams({ judge: judgeReply(() => (rating ? 'Good. [[4]]' : 'I cannot rate this.')) });
    const names = Array.from({ length: 20 }, (_, i) => `question ${i}`);
    const prompts = await promptFile(fakes.dir, names);
    const out = join(fakes.dir, 'battles.jsonl');
    const failedPath = join(fakes.dir, 'battles.failed.jsonl');
    const run = () => runCliInProcess(['label', '--prompts', prompts, '--out', out, ...fakes!.flags], { cwd: fakes!.dir });
    expect((await run()).code).toBe(1);
    const first = await readJsonlRecords(failedPath);
    expect(first).toHaveLength(20);
    expect(first[0]).toMatchObject({ stage: 'verdict', judge_verdict: 'I cannot rate this.', paid_answers: { max_tokens: null, strong: { content: expect.stringMatching(/^strong answer: /) }, weak: { content: expect.stringMatching(/^weak answer: /) } } });
    // Run 2, the judge still broken: only the judge is asked again, and --failed does not grow.
    expect((await run()).code).toBe(1);
    expect(fakes.strong.requests).toHaveLength(20);
    expect(fakes.weak.requests).toHaveLength(20);
    expect(fakes.judge.requests).toHaveLength(40);
    const second = await readJsonlRecords(failedPath);
    expect(second).toHaveLength(20);
    expect(new Set(second.map((f) => f.prompt_id)).size).toBe(20);
    // Run 3, the judge fixed: 20 battles, no answer bought again, --failed empty.
    rating = true;
    const third = await run();
    expect(third.code, third.stderr).toBe(0);
    expect(fakes.strong.requests).toHaveLength(20);
    expect(fakes.weak.requests).toHaveLength(20);
    const battles = await readJsonlRecords(out);
    expect(battles.map((b) => b.prompt).sort()).toEqual([...names].sort());
    // A battle's usage and cost still count the answers an earlier run paid for.
    expect(battles[0].usage.strong).toEqual(first[0].paid_answers.strong.usage);
    expect(battles[0].cost_usd).toBeGreaterThan(0);
    expect(await readJsonlRecords(failedPath)).toEqual([]);
  });

  it('does not reuse answers asked with another --max-tokens (they would be cut at another length)', async () => {
    fakes = await startLabelUpstreams({ judge: judgeReply(() => 'no rating') });
    const prompts = await promptFile(fakes.dir, ['only one']);
    const out = join(fakes.dir, 'battles.jsonl');
    const run = (...extra: string[]) => runCliInProcess(['label', '--prompts', prompts, '--out', out, ...extra, ...fakes!.flags], { cwd: fakes!.dir });
    expect((await run('--max-tokens', '100')).code).toBe(1);
    expect((await run('--max-tokens', '200')).code).toBe(1);
    expect(fakes.strong.requests).toHaveLength(2);
    const [line] = await readJsonlRecords(join(fakes.dir, 'battles.failed.jsonl'));
    expect(line.paid_answers.max_tokens).toBe(200);
  });

  it('stops on an exhausted quota (429 insufficient_quota) instead of retrying it', async () => {
    fakes = await startLabelUpstreams({
      strong: () => ({ kind: 'error', status: 429, body: { error: { message: 'You exceeded your current quota', type: 'insufficient_quota', param: null, code: 'insufficient_quota' } } }),
    });
    const prompts = await promptFile(fakes.dir, ['p1', 'p2']);
    const result = await runCliInProcess(['label', '--prompts', prompts, '--out', join(fakes.dir, 'b.jsonl'), '--concurrency', '1', ...fakes.flags], { cwd: fakes.dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("(the account's quota is used up)");
    expect(fakes.strong.requests).toHaveLength(1);
  });
});
