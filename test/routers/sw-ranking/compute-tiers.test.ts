import { describe, expect, it } from 'vitest';
import { computeTiers } from '../../../src/routers/sw-ranking/compute-tiers.js';

const ranked: Array<[string, number]> = [
  ['a', 1300],
  ['b', 1290],
  ['c', 1100],
  ['d', 1090],
  ['e', 900],
];

describe('computeTiers (RouteLLM compute_tiers)', () => {
  it('splits five ratings into two tiers minimising the summed variance', () => {
    // {a,b}|{c,d,e}: 25 + 8466.7; {a,b,c,d}|{e}: 10025; {a}|{b..e}: 19025; {a,b,c}|{d,e}: 17491.
    expect(Object.fromEntries(computeTiers(ranked, 2))).toEqual({ a: 0, b: 0, c: 1, d: 1, e: 1 });
  });

  it('splits them into three tiers: {a,b}, {c,d}, {e}', () => {
    expect(Object.fromEntries(computeTiers(ranked, 3))).toEqual({ a: 0, b: 0, c: 1, d: 1, e: 2 });
  });

  it('with one tier puts every model in tier 0', () => {
    expect(new Set(computeTiers(ranked, 1).values())).toEqual(new Set([0]));
  });

  it('with more tiers than models leaves tier numbers empty, as the Python does', () => {
    expect(Object.fromEntries(computeTiers([['strong', 1100], ['weak', 900]], 10))).toEqual({ strong: 0, weak: 9 });
    expect(Object.fromEntries(computeTiers(ranked, 10))).toEqual({ a: 0, b: 6, c: 7, d: 8, e: 9 });
  });
  it('matches the Python function (run with numpy) on 30 Gaussian ratings in 10 tiers', () => {
    const ratings = [1238.9112043240686, 1144.944560869977, 1128.8184753155463, 1123.2757175028923, 1102.4288678487019, 1090.903102615321, 1069.6247022452962, 1054.646830033823, 1053.7997178661035, 1044.5221772361049, 1032.071110099885, 1021.8171813360583, 1020.2969177309964, 1019.9311976483754, 1019.8791248193426, 1013.3374604658604, 1012.8472248632856, 1006.6335808938262, 1003.1334516831716, 1000.5005283626573, 993.5258239627312, 985.5297691835079, 963.4455733767484, 923.5456349028368, 908.6029056264688, 897.7896829989127, 891.7691975403956, 890.7826784895858, 856.317055489747, 849.4170998739258];
    const tiers = computeTiers(ratings.map((r, i) => [`m${i}`, r] as [string, number]), 10);
    expect(ratings.map((_, i) => tiers.get(`m${i}`))).toEqual([0, 1, 2, 2, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 6, 7, 8, 8, 8, 8, 9, 9]);
  });
});
