import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../../src/runtime/package-paths.js';

/** Churns short-lived objects in a fresh Node process and prints the young generation's size in bytes. */
function youngGenerationAfterChurn(cap: boolean): number {
  const module = join(packageRoot(), 'dist', 'src', 'cli', 'serve', 'cap-young-generation.js');
  const script = `
    const v8 = require('node:v8');
    import(${JSON.stringify(module)}).then(({ capYoungGeneration }) => {
      if (${cap}) capYoungGeneration(2);
      // Work in short turns of the event loop, as a server's requests come.
      let keep = [];
      let turns = 0;
      const turn = () => {
        for (let i = 0; i < 5000; i++) { keep.push({ i, s: 'x' + i, a: [i, i] }); if (keep.length > 5000) keep = []; }
        if (++turns < 400) setImmediate(turn);
        else process.stdout.write(String(v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size));
      };
      turn();
    });`;
  return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
}

describe('capYoungGeneration', () => {
  it('keeps the young generation at the cap where V8 alone grows it', () => {
    const uncapped = youngGenerationAfterChurn(false);
    const capped = youngGenerationAfterChurn(true);
    expect(uncapped).toBeGreaterThan(8 * 1024 * 1024);
    // Two semi-spaces of at most 2 MiB, give or take V8's page rounding.
    expect(capped).toBeLessThanOrEqual(4.5 * 1024 * 1024);
  });
});
