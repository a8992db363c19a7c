import { describe, expect, it } from 'vitest';
import { ConfigError, CostShareWindow, Decider, ModelListRouting, RoutingError, checkModelList, parseModelName, seededRandom, type ModelScorer } from '../../../src/core/index.js';
import { chooseByShortfall, costScale, shortfalls } from '../../../src/core/model-list/choose-model.js';
import { costShareCurve, knobForCostShare } from '../../../src/core/model-list/knob-for-cost-share.js';
import { fallbackOrder } from '../../../src/server/policy/fallback-policy.js';

const priced = (name: string, input: number, output = input) => ({ name, price: { input, output }, tags: [] });
const LIST = [priced('cheap', 1), priced('mid', 10), priced('ref', 100)];

/** A scorer that answers the worked example's qualities (docs/multi-model.md) in its own order. */
function fixedScorer(models: string[], scores: number[]): ModelScorer {
  return { name: 'fixed', fingerprint: 'fixed', models, scores: () => Float64Array.from(scores) };
}

function routing(scorer: ModelScorer, shareWindow = 200): ModelListRouting {
  return new ModelListRouting({ models: LIST, scorers: new Map([['fixed', scorer]]), costs: [1, 10, 100], shareWindow });
}

describe('routing over a list of models', () => {
  it('decides the worked example at each knob, with every quality and the costs weighed', async () => {
    // The scorer's own order differs from the list's: columns map them by name.
    const list = routing(fixedScorer(['ref', 'cheap', 'mid'], [0.9, 0.6, 0.85]));
    const decider = new Decider({ pair: { strong: 'x', weak: 'y' }, routers: new Map(), list });
    expect(decider.pair).toEqual({ weak: 'cheap', strong: 'ref' });
    const chosen = async (knob: string) => (await decider.routeChat({ model: `router-fixed-${knob}`, messages: [{ role: 'user', content: 'hi' }] })).decision;
    expect((await chosen('0.03')).model).toBe('ref');
    expect((await chosen('0.1')).model).toBe('mid');
    expect((await chosen('2.7')).model).toBe('mid');
    const cheap = await chosen('3');
    expect(cheap).toMatchObject({ model: 'cheap', threshold: 3, tier: 'weak', router: 'fixed' });
    expect(cheap.strongWinRate).toBeUndefined();
    expect([...cheap.list!.qualities]).toEqual([0.6, 0.85, 0.9]);
    expect([...cheap.list!.costs]).toEqual([1, 10, 100]);
    expect((await chosen('0.03')).tier).toBe('strong');
    const forward = (await decider.routeChat({ model: 'router-fixed-2.7', messages: [{ role: 'user', content: 'hi' }], temperature: 0 })).forward;
    expect(forward).toEqual({ model: 'mid', messages: [{ role: 'user', content: 'hi' }], temperature: 0 });
  });

  it('with two models routes exactly as the pair: strong when the win rate reaches the threshold', async () => {
    const random = seededRandom(11);
    for (let i = 0; i < 300; i += 1) {
      const weak = random();
      const strong = Math.min(1, weak + random() * (1 - weak));
      const t = random();
      const list = new ModelListRouting({
        models: [priced('w', 1), priced('s', 9)],
        scorers: new Map([['fixed', fixedScorer(['w', 's'], [weak, strong])]]),
        costs: [1, 9],
      });
      const decision = await list.decide(list.resolve(`router-fixed-${t}`), 'x');
      // The shortfall of the weak model plays the win rate.
      expect(decision.model).toBe(strong - weak >= t ? 's' : 'w');
    }
  });

  it('holds a cost share on the prompts routed with it', async () => {
    const random = seededRandom(5);
    const rows = Array.from({ length: 400 }, () => {
      const q = [random() * 0.6, 0.3 + random() * 0.5, 0.5 + random() * 0.5];
      return q;
    });
    let at = 0;
    const scorer: ModelScorer = { name: 'fixed', fingerprint: 'f', models: ['cheap', 'mid', 'ref'], scores: () => Float64Array.from(rows[at++ % rows.length]!) };
    const list = routing(scorer, 400);
    const target = list.resolve('router-fixed-30%');
    expect(target).toMatchObject({ share: 0.3 });
    const scaled = costScale([1, 10, 100], 2);
    let spent = 0;
    for (let i = 0; i < rows.length; i += 1) {
      const decision = await list.decide(target, 'x');
      spent += scaled[decision.list.index] as number;
      if (i === rows.length - 1) {
        // The last knob is the one that spends 30% on the whole window, as knobForCostShare cuts it.
        const curve = costShareCurve(rows.map((q) => shortfalls(q, 2)), scaled);
        expect(decision.threshold).toBeCloseTo(knobForCostShare(curve, 0.3), 12);
      }
    }
    // Each prompt was decided at the knob cut on the traffic so far: the spend lands near the share.
    expect(spent / rows.length).toBeGreaterThan(0.25);
    expect(spent / rows.length).toBeLessThan(0.35);
  });

  it('keeps the last prompts only, in a window', () => {
    const scaled = Float64Array.of(0, 1);
    const window = new CostShareWindow(3, scaled);
    for (const w of [0.9, 0.8, 0.1, 0.2, 0.3]) window.observe([w, 0]);
    expect(window.fill).toBe(3);
    // The window holds 0.1, 0.2, 0.3: a third of them strong at the knob between 0.2 and 0.3.
    const knob = window.knob(1 / 3);
    expect(chooseByShortfall([0.3, 0], scaled, knob)).toBe(1);
    expect(chooseByShortfall([0.2, 0], scaled, knob)).toBe(0);
  });

  it('refuses what it cannot route: a negative knob, a budget, an unknown router, a model the router does not score, a bad quality', async () => {
    const list = routing(fixedScorer(['cheap', 'mid', 'ref'], [0.1, 0.2, 0.3]));
    expect(() => list.resolve('router-fixed--1')).toThrow(RoutingError);
    expect(() => list.resolve('router-fixed--1')).toThrow('threshold -1 is below 0; over a list of models the knob is a number >= 0');
    // Without a clock (no serve) a budget cannot be held.
    expect(() => list.resolve('router-fixed-$20/h')).toThrow('a budget like router-knn-$20/h is held on live traffic by routellm serve only; give a knob like 0.2 or a cost share like 30%');
    expect(() => list.resolve('router-mf-0.5')).toThrow('unknown router "mf"; this server has: fixed');
    expect(() => routing(fixedScorer(['cheap', 'ref'], [0.1, 0.3]))).toThrow(new ConfigError('models[1]: router "fixed" does not score "mid"; it scores "cheap", "ref"; name one of them with scored_as: in the entry'));
    const broken = routing(fixedScorer(['cheap', 'mid', 'ref'], [0.1, Number.NaN, 0.3]));
    await expect(broken.decide(broken.resolve('router-fixed-0.5'), 'x')).rejects.toThrow('router "fixed" returned an invalid quality NaN for "mid"');
  });

  it('reads a knob above 1 only over a list; the pair keeps [0, 1]', () => {
    expect(parseModelName('router-knn-2.75', { knob: true }).threshold).toEqual({ kind: 'win-rate', value: 2.75 });
    expect(() => parseModelName('router-knn-2.75')).toThrow('threshold 2.75 is outside [0, 1]');
  });

  it('checks a list: two models or more, distinct names, prices', () => {
    expect(() => checkModelList([], 'models')).toThrow('models must list at least two models, cheapest first (got 0)');
    expect(() => checkModelList([priced('a', 1), priced('a', 2)], 'models')).toThrow('models[1]: model "a" is listed twice');
    expect(() => checkModelList([priced('a', 1), { name: 'b', price: undefined, tags: [] }], 'models')).toThrow('models[1] ("b") has no price');
    expect(() => checkModelList([priced('a', 1), priced('b', Number.NaN)], 'models')).toThrow('models[1] ("b"): price.input must be a non-negative number');
    expect(() => checkModelList([priced('a', 1), priced('', 1)], 'models')).toThrow('models[1] has no name');
  });
});

describe('fallback through a list', () => {
  it('tries the models above, nearest first, then those below', () => {
    expect(fallbackOrder(['a', 'b', 'c', 'd', 'e'], 'c')).toEqual(['c', 'd', 'e', 'b', 'a']);
    expect(fallbackOrder(['a', 'b', 'c'], 'a')).toEqual(['a', 'b', 'c']);
    expect(fallbackOrder(['a', 'b', 'c'], 'c')).toEqual(['c', 'b', 'a']);
    // Two models: the pair's one retry on the other.
    expect(fallbackOrder(['weak', 'strong'], 'weak')).toEqual(['weak', 'strong']);
  });
});

describe('a cost share over a list starts from the router\'s prior', () => {
  it('the cut counts a quarter window of the prior\'s prompts, each live prompt pushing out five; without a prior it starts empty', async () => {
    const random = seededRandom(3);
    const prior = Array.from({ length: 30 }, () => [random() * 0.5, 0.4 + random() * 0.3, 0.7 + random() * 0.3]);
    const live = [0.2, 0.5, 0.95];
    const scorer: ModelScorer = { name: 'fixed', fingerprint: 'f', models: ['cheap', 'mid', 'ref'], scores: () => Float64Array.from(live) };
    const make = (priors = new Map<string, { qualities: number[][]; inputTokens: number[] }>()) =>
      new ModelListRouting({ models: LIST, scorers: new Map([['fixed', scorer]]), costs: [1, 10, 100], shareWindow: 80, priors });
    const scaled = costScale([1, 10, 100], 2);
    const cut = (rows: number[][]) => knobForCostShare(costShareCurve(rows.map((q) => shortfalls(q, 2)), scaled), 0.3);
    const warm = make(new Map([['fixed', { qualities: prior, inputTokens: prior.map(() => 10) }]]));
    const target = warm.resolve('router-fixed-30%');
    // Window 80: the first prompt is cut with the prior's first 15 (20 less 5), the second with 10, ..., the fourth on its own.
    for (let n = 1; n <= 5; n += 1) {
      const decision = await warm.decide(target, 'x');
      const rows = [...prior.slice(0, Math.max(0, 20 - 5 * n)), ...Array.from({ length: n }, () => live)];
      expect(decision.threshold).toBeCloseTo(cut(rows), 12);
    }
    // Cold: the first prompt is cut on itself alone.
    const cold = make();
    expect((await cold.decide(cold.resolve('router-fixed-30%'), 'x')).threshold).toBeCloseTo(cut([live]), 12);
    expect(cut([live])).not.toBeCloseTo(cut([...prior.slice(0, 15), live]), 6);
  });
});
