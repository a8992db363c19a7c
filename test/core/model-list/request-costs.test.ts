import { describe, expect, it } from 'vitest';
import {
  chooseByShortfall,
  chooseTier,
  costShareCurve,
  costScale,
  estimateTokens,
  ModelListRouting,
  promptTokens,
  requestCosts,
  requestTokens,
  seededRandom,
  shortfalls,
  TYPICAL_REQUEST_TOKENS,
  typicalCostUnit,
  weightedCostShareCurve,
  type ModelScorer,
} from '../../../src/core/index.js';

const priced = (name: string, input: number, output: number) => ({ name, price: { input, output }, tags: [] });
// The worked example of docs/multi-model.md ("Expected cost from the request"): USD per million tokens.
const LIST = [priced('cheap', 0.2, 0.2), priced('mid', 1, 3), priced('ref', 10, 30)];
const QUALITY = [0.6, 0.85, 0.9];

function fixedScorer(models: string[], scores: () => ArrayLike<number>): ModelScorer {
  return { name: 'fixed', fingerprint: 'fixed', models, scores: () => Float64Array.from(scores()) };
}

describe('expected cost from the request', () => {
  it('prices the worked example: a typical request keeps the mid model at t = 0.5, a 20,000-token prompt takes the cheap one', () => {
    const unit = typicalCostUnit(LIST);
    // Typical request: 0.0003, 0.0025, 0.025 USD; the step from cheapest to reference is the unit.
    expect(unit).toBeCloseTo(0.0247, 12);
    const typical = requestCosts(LIST, TYPICAL_REQUEST_TOKENS, unit);
    expect(typical.step).toBeCloseTo(1, 12);
    expect([...typical.scaled].map((u) => Number(u.toFixed(4)))).toEqual([0, 0.0891, 1]);
    const long = requestCosts(LIST, { input: 20_000, output: 500 }, unit);
    expect([...long.costs].map((c) => Number(c.toFixed(4)))).toEqual([0.0041, 0.0215, 0.215]);
    expect([...long.scaled].map((u) => Number(u.toFixed(4)))).toEqual([0, 0.7045, 8.5385]);
    const losses = shortfalls(QUALITY, 2);
    expect(chooseByShortfall(losses, typical.scaled, 0.5)).toBe(1);
    expect(chooseByShortfall(losses, long.scaled, 0.5)).toBe(0);
    expect(chooseByShortfall(losses, long.scaled, 0.3)).toBe(1);
    // Where the mid model gives way to the cheap one: 0.25 / u_mid.
    expect(0.25 / (typical.scaled[1] as number)).toBeCloseTo(2.807, 3);
    expect(0.25 / (long.scaled[1] as number)).toBeCloseTo(0.355, 3);
  });

  it('with two models, at a typical request, is the pair rule; at a request k times as costly, strong when w >= k t', () => {
    const pair = [priced('weak', 0.6, 0.6), priced('strong', 10, 30)];
    const unit = typicalCostUnit(pair);
    const random = seededRandom(3);
    for (let i = 0; i < 2000; i += 1) {
      const w = random();
      const t = random();
      expect(chooseByShortfall([w, 0], requestCosts(pair, TYPICAL_REQUEST_TOKENS, unit).scaled, t) === 1 ? 'strong' : 'weak').toBe(chooseTier(w, t));
      const tokens = { input: Math.floor(random() * 40_000), output: 1 + Math.floor(random() * 500) };
      const costs = requestCosts(pair, tokens, unit);
      expect(costs.step).toBeCloseTo((tokens.input * 9.4 + tokens.output * 29.4) / (1000 * 9.4 + 500 * 29.4), 9);
      const strong = chooseByShortfall([w, 0], costs.scaled, t) === 1;
      // Away from the boundary (float rounding of k t), the rule is w >= k t.
      if (Math.abs(w - costs.step * t) > 1e-9) expect(strong).toBe(w >= costs.step * t);
    }
  });

  it('reads a request: every message in, max_completion_tokens or max_tokens caps the answer', () => {
    const long = 'x'.repeat(80_000);
    const body = { model: 'router-knn-0.2', messages: [{ role: 'system', content: long }, { role: 'user', content: [{ type: 'text', text: 'Summarise.' }, { type: 'image_url', image_url: { url: 'data:' } }] }] };
    expect(requestTokens(body)).toEqual({ input: estimateTokens(long) + estimateTokens('Summarise.'), output: 500 });
    expect(requestTokens(body).input).toBe(20_004 + 7);
    expect(requestTokens({ ...body, max_tokens: 50 }).output).toBe(50);
    expect(requestTokens({ ...body, max_tokens: 4000 }).output).toBe(500);
    expect(requestTokens({ ...body, max_tokens: 4000, max_completion_tokens: 20 }).output).toBe(20);
    // UTF-8 bytes, as label's cost plan counts: three bytes a CJK character, four an emoji.
    expect(estimateTokens('日本語の文章')).toBe(Math.ceil(18 / 4) + 4);
    expect(estimateTokens('😀😀')).toBe(2 + 4);
    expect(promptTokens('hello')).toEqual({ input: 6, output: 500 });
  });

  it('weighs each prompt in a cost share by its bill: equal steps give costShareCurve, the share is of dollars', () => {
    const random = seededRandom(9);
    const rows = Array.from({ length: 50 }, () => shortfalls([random() * 0.5, 0.3 + random() * 0.4, 0.6 + random() * 0.4], 2));
    const scaled = costScale([1, 10, 100], 2);
    const plain = costShareCurve(rows, scaled);
    const weighted = weightedCostShareCurve(rows.map((losses) => ({ losses, scaled, step: 1 })));
    expect(weighted).toEqual(plain);
    // Twice the cost on the same scale: the same knobs, the same shares (a share is a ratio of bills).
    const doubled = weightedCostShareCurve(rows.map((losses) => ({ losses, scaled: scaled.map((u) => 2 * u), step: 2 })));
    expect([...doubled.shares]).toEqual([...plain.shares]);
  });

  it('holds a cost share of the bill when prompt lengths vary (the prompts decided one by one, the knob cut on those so far)', async () => {
    // Three streams (docs/multi-model.md gives their shares: 30.1%, 30.1%, 30.3%).
    for (const seed of [21, 22, 23]) {
      const random = seededRandom(seed);
      const n = 2000;
      const stream = Array.from({ length: n }, () => ({
        quality: [random() * 0.6, 0.3 + random() * 0.5, 0.5 + random() * 0.5],
        // Lengths from 20 to 20,000 tokens, log-uniform: most short, a few very long.
        tokens: { input: Math.round(20 * 1000 ** random()), output: 500 },
      }));
      let at = 0;
      const routing = new ModelListRouting({ models: LIST, scorers: new Map([['fixed', fixedScorer(['cheap', 'mid', 'ref'], () => stream[at]!.quality)]]), shareWindow: 200 });
      const target = routing.resolve('router-fixed-30%');
      const unit = typicalCostUnit(LIST);
      let spent = 0;
      let cheapest = 0;
      let strongest = 0;
      for (at = 0; at < n; at += 1) {
        const { tokens } = stream[at]!;
        const decision = await routing.decide(target, 'x', tokens);
        expect(decision.list.tokens).toEqual(tokens);
        expect([...decision.list.costs]).toEqual([...requestCosts(LIST, tokens, unit).costs]);
        if (at < 200) continue;
        spent += decision.list.costs[decision.list.index] as number;
        cheapest += decision.list.costs[0] as number;
        strongest += decision.list.costs[2] as number;
      }
      // The dollars spent above the all-cheapest bill, over the all-strongest bill above it, after the window filled.
      const share = (spent - cheapest) / (strongest - cheapest);
      expect(share, `seed ${seed}`).toBeGreaterThan(0.28);
      expect(share, `seed ${seed}`).toBeLessThan(0.32);
    }
  });
});
