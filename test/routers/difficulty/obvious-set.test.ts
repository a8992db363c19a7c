import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_PAIR } from '../../../src/core/index.js';
import { createBuiltinRegistry } from '../../../src/routers/builtin-registry.js';
import { DEFAULT_ROUTER } from '../../../src/routers/default-router.js';
import { nodeRouterContext } from '../../../src/runtime/node-router-context.js';
import { runCliInProcess } from '../../helpers/run-cli-in-process.js';
import { tierAuc } from '../../helpers/tier-auc.js';
import { loadObviousSet, obviousPrompt, type ObviousRow } from '../../helpers/obvious-set.js';

const rows = loadObviousSet();

/** The AUC of a router's scores against the rows' expected tiers. */
function auc(scored: ReadonlyArray<{ row: ObviousRow; score: number }>): number {
  return tierAuc(scored.map((s) => ({ expect: s.row.expect, score: s.score })));
}

async function scoreSplit(split: ObviousRow['split']): Promise<Array<{ row: ObviousRow; score: number }>> {
  const router = await createBuiltinRegistry().get(DEFAULT_ROUTER).create({}, nodeRouterContext({ env: {} }));
  const out: Array<{ row: ObviousRow; score: number }> = [];
  for (const row of rows.filter((r) => r.split === split)) out.push({ row, score: await router.strongWinRate(obviousPrompt(row)) });
  return out;
}

describe('the default router on the obvious-tier set (test/fixtures/obvious)', () => {
  // Measured with these weights: dev 0.968 (the router before steps 31-33: 0.836; length alone 0.784).
  it('dev half: ranks strong-expected requests above weak-expected ones, AUC >= 0.90', async () => {
    expect(auc(await scoreSplit('dev'))).toBeGreaterThanOrEqual(0.9);
  });

  // The bar was fixed in the fixture's README before the holdout half was scored. Scored once
  // (datasets/README.md, step 34), for these weights and the router before steps 31-33 together:
  // 0.989 here, 0.907 before; length alone 0.777.
  it('holdout half: AUC >= 0.85', async () => {
    expect(auc(await scoreSplit('holdout'))).toBeGreaterThanOrEqual(0.85);
  });

  it('sends the dev half\'s long pasted text with a trivial ask to the weak model at the 50% share', { timeout: 60_000 }, async () => {
    const longEasy = rows.filter((r) => r.split === 'dev' && r.kind === 'long-easy');
    expect(longEasy.length).toBeGreaterThanOrEqual(5);
    const stdin = `${longEasy.map((r) => JSON.stringify({ prompt: obviousPrompt(r) })).join('\n')}\n`;
    const result = await runCliInProcess(['route', '--json', '--threshold', '50%', '-'], { env: {}, stdin });
    expect(result.code, result.stderr).toBe(0);
    const decisions = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { model: string; line: number });
    expect(decisions).toHaveLength(longEasy.length);
    for (const d of decisions) expect(d.model, longEasy[d.line - 1]!.id).toBe(DEFAULT_MODEL_PAIR.weak);
  });
});
