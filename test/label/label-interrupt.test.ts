import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { judgeReply, startLabelUpstreams, type LabelUpstreams, readJsonlRecords } from '../helpers/label-upstreams.js';
import { BIN } from '../helpers/run-cli-child.js';
import { lastText } from '../helpers/upstream-server.js';

let fakes: LabelUpstreams | undefined;
afterEach(async () => {
  await fakes?.close();
  fakes = undefined;
});


/** Runs `routellm label` as a real child process; `interruptAfter` sends SIGINT once it returns true. */
function labelChild(argv: string[], cwd: string, interruptAfter?: () => boolean): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'label', ...argv], { cwd, env: { ...process.env, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    let poll: NodeJS.Timeout | undefined;
    if (interruptAfter) {
      poll = setInterval(() => {
        if (!interruptAfter()) return;
        clearInterval(poll);
        child.kill('SIGINT');
      }, 5);
    }
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('routellm label interrupted with Ctrl-C', () => {
  it('aborts the calls in flight, keeps what is finished, exits 130; a re-run labels the rest, no prompt twice and none lost', async () => {
    const slow = (who: string) => (request: any) => ({ kind: 'json' as const, content: `${who} answer: ${lastText(request.body)}`, delayMs: 40 });
    const judge = judgeReply(() => 4);
    fakes = await startLabelUpstreams({ strong: slow('strong'), weak: slow('weak'), judge: (request) => ({ ...(judge(request) as { kind: 'json'; content: string }), delayMs: 40 }) });
    const all = Array.from({ length: 60 }, (_, i) => `question ${i + 1}`);
    const prompts = join(fakes.dir, 'prompts.txt');
    await writeFile(prompts, `${all.join('\n')}\n`);
    const out = join(fakes.dir, 'battles.jsonl');
    const argv = ['--prompts', prompts, '--out', out, '--concurrency', '4', ...fakes.flags];

    const judge0 = fakes.judge.requests;
    const first = await labelChild(argv, fakes.dir, () => judge0.length >= 12);
    expect(first.stderr).toContain('routellm: interrupted:');
    expect(first.stderr).toContain('run the same command again to continue');
    expect(first.code).toBe(130);
    const kept = await readJsonlRecords(out);
    expect(kept.length).toBeGreaterThanOrEqual(8);
    expect(kept.length).toBeLessThan(60);
    expect(first.stdout).toContain(`labelled ${kept.length} prompt(s)`);
    // Aborted prompts are not battles; those whose answers were already paid for (the judge was
    // answering) keep them in the failed file, not counted as failed, and nothing else is there.
    const stopped = await readJsonlRecords(join(fakes.dir, 'battles.failed.jsonl'));
    expect(first.stdout).toContain(', 0 failed, ');
    for (const line of stopped) {
      expect(line.reason).toBe('the run stopped (interrupted) before this prompt was labelled; its answers are kept for the re-run');
      expect(line.paid_answers.strong.content).toBe(`strong answer: ${line.prompt}`);
    }
    expect(stopped.length).toBeGreaterThan(0);
    const strongAsked = fakes.strong.requests.length;

    const second = await labelChild(argv, fakes.dir);
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(new RegExp(`already labelled in \\S+: ${kept.length}; to label now: ${60 - kept.length}`));
    const labelled = (await readJsonlRecords(out)).map((b) => b.prompt);
    expect(labelled).toHaveLength(60);
    expect(new Set(labelled).size).toBe(60);
    expect([...labelled].sort()).toEqual([...all].sort());
    // Their answers were not bought again, and the failed file is empty once every prompt is a battle.
    const strongPrompts = fakes.strong.requests.slice(strongAsked).map((request) => lastText(request.body));
    for (const line of stopped) expect(strongPrompts).not.toContain(line.prompt);
    expect(await readFile(join(fakes.dir, 'battles.failed.jsonl'), 'utf8')).toBe('');
  });
});
