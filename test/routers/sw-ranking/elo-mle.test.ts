import { describe, expect, it } from 'vitest';
import { battleDesign, eloMleWithTie } from '../../../src/routers/sw-ranking/elo-mle.js';

/** Battles from [a, b, aWins] triples; aWins: 2 = A won, 1 = tie, 0 = B won. */
function design(triples: Array<[number, number, number]>, players: number) {
  return battleDesign(
    {
      playerA: Int32Array.from(triples.map((t) => t[0])),
      playerB: Int32Array.from(triples.map((t) => t[1])),
      aWins: Uint8Array.from(triples.map((t) => t[2])),
    },
    players,
  );
}

const ELO_LOG3 = 400 * Math.log10(3); // 190.85: the Elo gap of 3:1 odds
const ELO_LOG2 = 400 * Math.log10(2); // 120.41: the Elo gap of 2:1 odds

describe('eloMleWithTie (RouteLLM compute_elo_mle_with_tie)', () => {
  it('two players, A wins 3 of 4: P(A) = 3/4, a gap of 400 log10(3), centred on 1000', () => {
    const ratings = eloMleWithTie(design([[0, 1, 2], [0, 1, 2], [1, 0, 0], [0, 1, 0]], 2));
    // Battle 3 is B-vs-A won by its model_b, A: the reversed row counts for A.
    expect(ratings[0]! - ratings[1]!).toBeCloseTo(ELO_LOG3, 4);
    expect(ratings[0]!).toBeCloseTo(1000 + ELO_LOG3 / 2, 4);
    expect(ratings[1]!).toBeCloseTo(1000 - ELO_LOG3 / 2, 4);
  });

  it('counts a tie as one win each: one A win and two ties give P(A) = 4/6', () => {
    const ratings = eloMleWithTie(design([[0, 1, 2], [0, 1, 1], [0, 1, 1]], 2));
    expect(ratings[0]! - ratings[1]!).toBeCloseTo(ELO_LOG2, 4);
  });

  it('three players with consistent odds 2:1, 2:1 and 4:1 get gaps of 400 log10(2)', () => {
    const triples: Array<[number, number, number]> = [
      ...Array.from({ length: 2 }, () => [0, 1, 2] as [number, number, number]), // A beats B twice
      [0, 1, 0], // B beats A once
      [1, 2, 2],
      [1, 2, 2],
      [1, 2, 0],
      ...Array.from({ length: 4 }, () => [0, 2, 2] as [number, number, number]), // A beats C 4 times
      [0, 2, 0],
    ];
    const ratings = eloMleWithTie(design(triples, 3));
    expect(ratings[0]!).toBeCloseTo(1000 + ELO_LOG2, 4);
    expect(ratings[1]!).toBeCloseTo(1000, 4);
    expect(ratings[2]!).toBeCloseTo(1000 - ELO_LOG2, 4);
  });

  it('weights battles: a weight of 3 on one A win equals three A wins', () => {
    const weighted = eloMleWithTie(design([[0, 1, 2], [0, 1, 0]], 2), Float64Array.from([3, 1]));
    expect(weighted[0]! - weighted[1]!).toBeCloseTo(ELO_LOG3, 4);
  });

  it("keeps numpy's overwrite: a player against itself is the row -ln(10) at that player, anchoring it", () => {
    // A-vs-A tie pulls A's coefficient to 0 (rating 1000); A beats B 3:1 as before.
    const ratings = eloMleWithTie(design([[0, 1, 2], [0, 1, 2], [0, 1, 2], [0, 1, 0], [0, 0, 1]], 2));
    expect(ratings[0]!).toBeCloseTo(1000, 4);
    expect(ratings[1]!).toBeCloseTo(1000 - ELO_LOG3, 4);
    // An A-vs-A battle won by "model_a" pushes A's coefficient down: sigma(-ln10 * b) = 1 wants b -> -inf.
    const pushed = eloMleWithTie(design([[0, 1, 1], [0, 0, 2], [0, 0, 0]], 2));
    expect(pushed[0]!).toBeCloseTo(1000, 4); // one win and one loss of the self-row cancel
  });

  it('stays finite when one player never loses', () => {
    const ratings = eloMleWithTie(design([[0, 1, 2], [0, 1, 2]], 2));
    expect(Number.isFinite(ratings[0]!)).toBe(true);
    expect(ratings[0]! - ratings[1]!).toBeGreaterThan(2000);
    expect(ratings[0]! + ratings[1]!).toBeCloseTo(2000, 4);
  });
});
