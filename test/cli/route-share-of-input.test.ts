import { describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers/run-cli-in-process.js';
import { chatThenMath, sharedDatasets } from '../shares/helpers/drift-stream.js';

const datasets = sharedDatasets();

describe('routellm route --share-of-input', () => {
  it.skipIf(!datasets)('sends exactly 30% of the piped prompts strong, where the table threshold sends another share of a math batch', async () => {
    const math = chatThenMath(datasets as string).prompts.slice(-1000);
    const stdin = `${math.map((prompt) => JSON.stringify({ prompt })).join('\n')}\n`;
    const batch = await runCliInProcess(['route', '--threshold', '30%', '--share-of-input', '--json', '-'], { stdin });
    expect(batch.code).toBe(0);
    const decisions = batch.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(decisions).toHaveLength(1000);
    expect(decisions.filter((decision) => decision.model === 'gpt-4-1106-preview')).toHaveLength(300);
    // In input order, each with its line; one cut for the whole batch, which the strong ones reach.
    expect(decisions.map((decision) => decision.line)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    const cut = decisions[0].threshold;
    expect(decisions.every((decision) => decision.threshold === cut)).toBe(true);
    for (const decision of decisions) expect(decision.model === 'gpt-4-1106-preview').toBe(decision.strong_win_rate >= cut);
    // Without the flag: the table's threshold, calibrated on a traffic mix, not on this batch.
    const table = await runCliInProcess(['route', '--threshold', '30%', '--json', '-'], { stdin });
    const tableStrong = table.stdout.trim().split('\n').filter((line) => JSON.parse(line).model === 'gpt-4-1106-preview').length;
    expect(Math.abs(tableStrong - 300)).toBeGreaterThan(30);
  });

  it('breaks ties stably, by input order: the earlier of equal prompts goes strong', async () => {
    // The same prompt has the same win rate: with 10 copies and 30%, the first 3 go strong.
    const stdin = `${Array.from({ length: 10 }, () => 'Prove that the square root of 2 is irrational.').join('\n')}\n`;
    for (let run = 0; run < 2; run += 1) {
      const result = await runCliInProcess(['route', '--router', 'mf', '--threshold', '30%', '--share-of-input', '-'], { stdin });
      expect(result.code).toBe(0);
      const tiers = result.stdout.trim().split('\n').map((line) => line.split('\t')[1]?.split(':')[0]);
      expect(tiers).toEqual(['strong', 'strong', 'strong', 'weak', 'weak', 'weak', 'weak', 'weak', 'weak', 'weak']);
      expect(result.stdout).toContain('= (a tie; earlier prompts took the strong share)');
    }
  });

  it('needs a share threshold and a batch on stdin (exit 2, one line)', async () => {
    const numeric = await runCliInProcess(['route', '--threshold', '0.3', '--share-of-input', '-'], { stdin: 'a\nb\n' });
    expect(numeric.code).toBe(2);
    expect(numeric.stderr).toContain('--share-of-input needs a share threshold like --threshold 30%, not "0.3"');
    const single = await runCliInProcess(['route', '--threshold', '30%', '--share-of-input', 'one prompt']);
    expect(single.code).toBe(2);
    expect(single.stderr).toContain('--share-of-input splits a batch: pipe the prompts on stdin');
  });
});
