import { describe, expect, it } from 'vitest';
import { pairDirection, winRate } from '../../src/routers/mf/mf-model.js';
import { seededRandom } from '../../src/train/seeded-random.js';
import { trainMf, type IndexedBattle } from '../../src/train/train-mf.js';

// A planted signal: prompts are random 8-d vectors; the strong model wins when x·w* > 0, else the
// weak one does (with 10% label noise). A model that learned nothing scores 50% on new prompts.
function synthetic(seed: number, prompts: number) {
  const rng = seededRandom(seed);
  const textDim = 8;
  const planted = [2, -1, 0.5, 0, 0, 1, 0, -1.5];
  const embeddings = new Float32Array(prompts * textDim).map(() => rng.normal());
  const battles: IndexedBattle[] = [];
  for (let p = 0; p < prompts; p++) {
    let z = 0;
    for (let j = 0; j < textDim; j++) z += planted[j]! * embeddings[p * textDim + j]!;
    const strongWins = (z > 0) !== rng.next() < 0.1;
    // Alternate sides so the model cannot learn "side a wins".
    battles.push(p % 2 === 0 ? { prompt: p, a: 0, b: 1, target: strongWins ? 1 : 0 } : { prompt: p, a: 1, b: 0, target: strongWins ? 0 : 1 });
  }
  return { embeddings, battles, textDim };
}

describe('trainMf', () => {
  it('learns a planted signal: held-out accuracy well above chance', () => {
    const train = synthetic(1, 600);
    const model = trainMf({ ...train, modelNames: ['strong', 'weak'], hyper: { dim: 4, epochs: 30, seed: 7 } });
    const test = synthetic(2, 400);
    const direction = pairDirection(model, 0, 1);
    let correct = 0;
    for (const battle of test.battles) {
      const p = winRate(direction, test.embeddings.subarray(battle.prompt * 8, battle.prompt * 8 + 8));
      const strongWon = battle.a === 0 ? battle.target === 1 : battle.target === 0;
      if ((p >= 0.5) === strongWon) correct++;
    }
    // 90% is the ceiling with 10% label noise.
    expect(correct / test.battles.length).toBeGreaterThan(0.8);
  });

  it('is deterministic for a seed and differs for another', () => {
    const data = synthetic(3, 100);
    const run = (seed: number) => trainMf({ ...data, modelNames: ['s', 'w'], hyper: { dim: 3, epochs: 3, seed } });
    const a = run(5);
    const b = run(5);
    expect(Array.from(a.textProj!)).toEqual(Array.from(b.textProj!));
    expect(Array.from(a.P)).toEqual(Array.from(b.P));
    expect(Array.from(run(6).P)).not.toEqual(Array.from(a.P));
  });

  it('refuses to train on nothing', () => {
    expect(() => trainMf({ embeddings: new Float32Array(8), textDim: 8, modelNames: ['a', 'b'], battles: [] })).toThrow(/at least one battle/);
  });
});
