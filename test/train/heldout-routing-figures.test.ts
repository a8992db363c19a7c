import { describe, expect, it } from 'vitest';
import { formatHeldOutMetrics, routingFigures } from '../../src/train/heldout-metrics.js';

const battle = (modelA: string, modelB: string, target: number) => ({ modelA, modelB, target });

describe('routingFigures', () => {
  it("scores a prompt-blind baseline from each pair's training win share, either way round", () => {
    // s beats w in 3 of 4 training battles (one written w-first).
    const train = [battle('s', 'w', 1), battle('s', 'w', 1), battle('w', 's', 0), battle('s', 'w', 0)];
    const test = [battle('s', 'w', 1), battle('w', 's', 1), battle('s', 'x', 1)];
    const figures = routingFigures(train, test, [0.9, 0.2, 0.6], 's', 'w');
    // Baseline predictions: 0.75 (right), 0.25 for w-first (wrong: w won), 0.5 for a pair never seen (counts as A).
    expect(figures.baseline.accuracy).toBeCloseTo(2 / 3, 12);
    expect(figures.baseline.logLoss).toBeCloseTo(-(Math.log(0.75) + Math.log(0.25) + Math.log(0.5)) / 3, 9);
  });

  it('computes the AUC of the strong win rate over decisive strong-vs-weak battles, ties counting half', () => {
    const test = [battle('s', 'w', 1), battle('s', 'w', 1), battle('w', 's', 1), battle('s', 'w', 0.5), battle('s', 'x', 1), battle('s', 'w', 0)];
    // Strong win rates: 0.9 and 0.4 (strong won), 1 - 0.7 = 0.3 (weak won as model A), the tie and s-vs-x left out, 0.4 (weak won).
    const figures = routingFigures([], test, [0.9, 0.4, 0.7, 0.5, 0.1, 0.4], 's', 'w');
    // Pairs (pos, neg): (0.9, 0.3) 1, (0.9, 0.4) 1, (0.4, 0.3) 1, (0.4, 0.4) 0.5 -> 3.5 / 4.
    expect(figures.auc).toEqual({ value: 0.875, strongWins: 2, weakWins: 2 });
    expect(routingFigures([], [battle('s', 'w', 1)], [0.9], 's', 'w').auc).toBeUndefined();
  });

  it('prints both under the held-out line', () => {
    const routing = routingFigures([battle('s', 'w', 1), battle('s', 'w', 0)], [battle('s', 'w', 1), battle('s', 'w', 0)], [0.8, 0.3], 's', 'w');
    const text = formatHeldOutMetrics({ battles: 2, unit: 'battles', accuracy: 1, logLoss: 0.29, routing, apgr: [] });
    expect(text).toBe(
      'held out: 2 battles, accuracy 1.0000 on decisive ones, log-loss 0.2900\n' +
        "held out, prompt-blind baseline (each pair's win share in the training battles): accuracy 0.5000, log-loss 0.6931\n" +
        'held out AUC 1.0000 of the strong win rate (held-out strong-vs-weak battles: 1 strong wins, 1 weak wins)\n',
    );
  });
});
