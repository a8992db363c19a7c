import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_PAIR } from '../../../src/core/index.js';
import { createBuiltinRegistry } from '../../../src/routers/builtin-registry.js';
import { DEFAULT_ROUTER } from '../../../src/routers/default-router.js';
import { nodeRouterContext } from '../../../src/runtime/node-router-context.js';
import { runCliInProcess } from '../../helpers/run-cli-in-process.js';
import { tierAuc } from '../../helpers/tier-auc.js';
import { loadSanitySet, type SanityRow } from '../../helpers/sanity-set.js';

const rows = loadSanitySet();

/** The AUC of a router's scores against the rows' expected tiers. */
function auc(scored: ReadonlyArray<{ row: SanityRow; score: number }>): number {
  return tierAuc(scored.map((s) => ({ expect: s.row.expect, score: s.score })));
}

async function scoreAll(): Promise<Array<{ row: SanityRow; score: number }>> {
  const router = await createBuiltinRegistry().get(DEFAULT_ROUTER).create({}, nodeRouterContext({ env: {} }));
  const out: Array<{ row: SanityRow; score: number }> = [];
  for (const row of rows) out.push({ row, score: await router.strongWinRate(row.prompt) });
  return out;
}

describe('the default router on the sanity set (test/fixtures/sanity)', () => {
  // Issue 11, item 3. Measured on the shipped weights: dev 0.985, holdout 0.977, all 0.980 (datasets/README.md).
  // The set is no longer a clean check (step 30); the obvious-tier set's holdout is. Its holdout half is not untouched: it rejected the request-form prior before this one was chosen
  // (datasets/README.md, steps 28-30); the prior's weight was chosen on dev.
  it('ranks strong-expected prompts above weak-expected ones: AUC >= 0.90 on all, dev and holdout', async () => {
    const scored = await scoreAll();
    expect(auc(scored)).toBeGreaterThanOrEqual(0.9);
    for (const split of ['dev', 'holdout'] as const) expect(auc(scored.filter((s) => s.row.split === split)), split).toBeGreaterThanOrEqual(0.9);
  });

  it('sends every greeting and thanks to the weak model at the 50% share', { timeout: 60_000 }, async () => {
    const polite = rows.filter((r) => r.kind === 'greeting' || r.kind === 'acknowledgement');
    expect(polite.length).toBeGreaterThanOrEqual(10);
    const stdin = `${polite.map((r) => JSON.stringify({ prompt: r.prompt })).join('\n')}\n`;
    const result = await runCliInProcess(['route', '--json', '--threshold', '50%', '-'], { env: {}, stdin });
    expect(result.code, result.stderr).toBe(0);
    const decisions = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { model: string; line: number });
    expect(decisions).toHaveLength(polite.length);
    for (const d of decisions) expect(d.model, polite[d.line - 1]!.prompt).toBe(DEFAULT_MODEL_PAIR.weak);
  });

  it('gives degenerate prompts (one word, emoji, punctuation, a number) stable, non-extreme scores', async () => {
    const router = await createBuiltinRegistry().get(DEFAULT_ROUTER).create({}, nodeRouterContext({ env: {} }));
    const degenerate = ['ok', 'thanks', 'hello', 'help', 'test', 'asdfgh', '🙂', '👍', '?', '...', '!!!', '42', '3.14', '1000000', ' ok ', 'ok!'];
    const scores = await Promise.all(degenerate.map((p) => router.strongWinRate(p)));
    for (const [i, s] of scores.entries()) {
      expect(s, degenerate[i]).toBeGreaterThan(0.2);
      expect(s, degenerate[i]).toBeLessThan(0.7);
    }
    // Stable: punctuation and spacing around one word move its score little.
    expect(Math.abs((await router.strongWinRate('ok')) - (await router.strongWinRate(' ok ')))).toBeLessThan(0.2);
    expect(Math.abs((await router.strongWinRate('ok')) - (await router.strongWinRate('ok!')))).toBeLessThan(0.2);
  });
});
