import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startLabelUpstreams, type LabelUpstreams, readJsonlRecords } from '../helpers/label-upstreams.js';
import { runCliInProcess } from '../helpers/run-cli-in-process.js';
import { lastText } from '../helpers/upstream-server.js';

let fakes: LabelUpstreams | undefined;
afterEach(async () => {
  await fakes?.close();
  fakes = undefined;
});


const numbered = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `prompt number ${from + i}`);

describe('routellm label, run again', () => {
  it('skips prompts already in --out (by the hash of their text) and labels only the new ones', async () => {
    fakes = await startLabelUpstreams();
    const prompts = join(fakes.dir, 'prompts.txt');
    const out = join(fakes.dir, 'battles.jsonl');
    await writeFile(prompts, `${numbered(1, 10).join('\n')}\n`);
    expect((await runCliInProcess(['label', '--prompts', prompts, '--out', out, ...fakes.flags], { cwd: fakes.dir })).code).toBe(0);
    // The same ten, five new ones, and a duplicate of one of them.
    await writeFile(prompts, `${[...numbered(1, 15), 'prompt number 12'].join('\n')}\n`);
    const again = await runCliInProcess(['label', '--prompts', prompts, '--out', out, ...fakes.flags], { cwd: fakes.dir });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('label plan: 16 prompt(s) in');
    expect(again.stderr).toContain('1 duplicate(s) skipped');
    expect(again.stderr).toContain('already labelled in');
    expect(again.stderr).toMatch(/already labelled in \S+: 10; to label now: 5/);
    expect(fakes.strong.requests).toHaveLength(15);
    const battles = await readJsonlRecords(out);
    // In the order they finished (several run at once).
    expect(battles.map((b) => b.prompt).sort()).toEqual(numbered(1, 15).sort());
    expect(new Set(battles.map((b) => b.prompt_id)).size).toBe(15);
    const third = await runCliInProcess(['label', '--prompts', prompts, '--out', out, ...fakes.flags], { cwd: fakes.dir });
    expect(third.code).toBe(0);
    expect(third.stdout).toBe(`nothing to label: every prompt is in ${out} already\n`);
  });

  it('drops a last line a crash cut short and labels its prompt again', async () => {
    fakes = await startLabelUpstreams();
    const prompts = join(fakes.dir, 'prompts.txt');
    const out = join(fakes.dir, 'battles.jsonl');
    await writeFile(prompts, `${numbered(1, 3).join('\n')}\n`);
    expect((await runCliInProcess(['label', '--prompts', prompts, '--out', out, ...fakes.flags], { cwd: fakes.dir })).code).toBe(0);
    const text = await readFile(out, 'utf8');
    const [first, second] = text.split('\n');
    // As a crash mid-write leaves it: the third line cut in the middle of a multi-byte character.
    const torn = Buffer.from(`${first}\n${second}\n{"prompt":"prompt number 3","model_a":"s/strong-1","note":"é`, 'utf8');
    await writeFile(out, torn.subarray(0, torn.length - 1));
    const again = await runCliInProcess(['label', '--prompts', prompts, '--out', out, ...fakes.flags], { cwd: fakes.dir });
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/already labelled in \S+: 2 \(and a last line a crash cut short, \d+ bytes, which is dropped: its prompt is labelled again\); to label now: 1/);
    expect((await readJsonlRecords(out)).map((b) => b.prompt)).toEqual(numbered(1, 3));
  });

  it('--sample N labels a seeded subset, and a re-run with the same seed continues the same subset', async () => {
    fakes = await startLabelUpstreams();
    const prompts = join(fakes.dir, 'prompts.txt');
    await writeFile(prompts, `${numbered(1, 40).join('\n')}\n`);
    const out = join(fakes.dir, 'battles.jsonl');
    const first = await runCliInProcess(['label', '--prompts', prompts, '--out', out, '--sample', '6', '--seed', '7', ...fakes.flags], { cwd: fakes.dir });
    expect(first.code).toBe(0);
    const chosen = (await readJsonlRecords(out)).map((b) => b.prompt);
    expect(chosen).toHaveLength(6);
    const again = await runCliInProcess(['label', '--prompts', prompts, '--out', out, '--sample', '6', '--seed', '7', ...fakes.flags], { cwd: fakes.dir });
    expect(again.stdout).toContain('nothing to label');
    const other = await runCliInProcess(['label', '--prompts', prompts, '--out', join(fakes.dir, 'other.jsonl'), '--sample', '6', '--seed', '8', '--dry-run', ...fakes.flags], { cwd: fakes.dir });
    expect(other.stdout).toContain('a sample of 6 (--seed 8)');
    expect(other.stdout).toContain('to label now: 6');
  });

  it('--dry-run shows counts and the estimated cost per model, and calls nothing', async () => {
    fakes = await startLabelUpstreams();
    const prompts = join(fakes.dir, 'prompts.csv');
    await writeFile(prompts, `prompt\n${'x'.repeat(396)}\n${'y'.repeat(396)}\n""\n`);
    const result = await runCliInProcess(['label', '--prompts', prompts, '--out', join(fakes.dir, 'b.jsonl'), '--max-tokens', '100', '--dry-run', ...fakes.flags], { cwd: fakes.dir });
    expect(result.code).toBe(0);
    // 396 bytes / 4 + 4 = 103 tokens a prompt; answers bounded by --max-tokens 100.
    expect(result.stdout).toContain('label plan: 2 prompt(s) in');
    expect(result.stdout).toContain(`strong s/strong-1 at ${fakes.strong.baseURL}: ~206 input + ~200 output tokens, ~$0.0081`);
    expect(result.stdout).toContain(`weak   w/weak-1 at ${fakes.weak.baseURL}: ~206 input + ~200 output tokens, ~$0.00030`);
    expect(result.stdout).toMatch(/judge {2}j\/judge-1 at \S+: ~\d+ input \+ ~400 output tokens, ~\$0\.0\d+/);
    expect(result.stdout).toContain('answers of 100 tokens (--max-tokens), verdicts of 200');
    expect(result.stdout).toContain('(dry run: nothing was called)');
    expect(fakes.strong.requests.length + fakes.weak.requests.length + fakes.judge.requests.length).toBe(0);
    // Nor does it create the output files.
    await expect(stat(join(fakes.dir, 'b.jsonl'))).rejects.toThrow(/ENOENT/);
    await expect(stat(join(fakes.dir, 'b.failed.jsonl'))).rejects.toThrow(/ENOENT/);
  });

  it('says when a model has no price, and refuses --max-cost then', async () => {
    fakes = await startLabelUpstreams({ prices: false });
    const prompts = join(fakes.dir, 'prompts.txt');
    await writeFile(prompts, 'one\n');
    const dry = await runCliInProcess(['label', '--prompts', prompts, '--out', join(fakes.dir, 'b.jsonl'), '--dry-run', ...fakes.flags], { cwd: fakes.dir });
    expect(dry.stdout).toContain('s/strong-1 at');
    expect(dry.stdout).toContain('no price (add it under prices: in --config)');
    expect(dry.stdout).toContain('estimated cost: unknown (no price for s/strong-1, w/weak-1, j/judge-1)');
    const capped = await runCliInProcess(['label', '--prompts', prompts, '--out', join(fakes.dir, 'b.jsonl'), '--max-cost', '1', ...fakes.flags], { cwd: fakes.dir });
    expect(capped.code).toBe(2);
    expect(capped.stderr).toBe('routellm: --max-cost needs a price for every model, and s/strong-1, w/weak-1, j/judge-1 have none; add them under prices: in --config (USD per million tokens)\n');
  });

  it('--max-cost stops starting prompts before the spend would pass it; a re-run continues', async () => {
    // 2,000-token strong answers (the fake counts words): 0.06 USD each at 30 USD/M.
    fakes = await startLabelUpstreams({ strong: () => ({ kind: 'json', content: 'word '.repeat(2000).trim() }) });
    const prompts = join(fakes.dir, 'prompts.txt');
    await writeFile(prompts, `${numbered(1, 10).join('\n')}\n`);
    const out = join(fakes.dir, 'battles.jsonl');
    // By estimate a prompt costs about 0.085 USD (2,000-token answers; the judge reads both); it
    // spends about 0.06. With 0.06 spent, 0.145 reserved fits under 0.2; with 0.12, 0.205 does not.
    const result = await runCliInProcess(['label', '--prompts', prompts, '--out', out, '--max-cost', '0.2', '--max-tokens', '2000', '--concurrency', '1', ...fakes.flags], { cwd: fakes.dir });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('label: stopped at --max-cost $0.20: 8 prompt(s) left; run again (with a higher --max-cost) to continue');
    const done = await readJsonlRecords(out);
    expect(done).toHaveLength(2);
    const spent = done.reduce((sum, b) => sum + b.cost_usd, 0);
    expect(spent).toBeLessThanOrEqual(0.2);
    expect(result.stdout).toContain(`spent $${spent.toPrecision(2)}`);
    const again = await runCliInProcess(['label', '--prompts', prompts, '--out', out, ...fakes.flags], { cwd: fakes.dir });
    expect(again.code).toBe(0);
    expect((await readJsonlRecords(out)).map((b) => b.prompt).sort()).toEqual(numbered(1, 10).sort());
    expect(fakes.strong.requests.map((r) => lastText(r.body))).toHaveLength(10);
  });
});
