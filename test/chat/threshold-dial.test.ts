import { describe, expect, it } from 'vitest';
import { PriceTable } from '../../src/upstream/price-table.js';
import { describeAnswer } from '../../src/chat/describe-answer.js';
import { describeThreshold, nextRouter, stepThreshold, toggleThresholdKind } from '../../src/chat/threshold-dial.js';

describe('the chat threshold keys', () => {
  it('↑ always means more calls strong: a higher share, a lower win-rate threshold, a higher budget', () => {
    expect(stepThreshold({ kind: 'strong-share', share: 0.5 }, 1)).toEqual({ kind: 'strong-share', share: 0.6 });
    expect(stepThreshold({ kind: 'win-rate', value: 0.5 }, 1)).toEqual({ kind: 'win-rate', value: 0.45 });
    expect(stepThreshold({ kind: 'budget', usdPerHour: 20 }, 1)).toEqual({ kind: 'budget', usdPerHour: 21 });
    expect(stepThreshold({ kind: 'win-rate', value: 0.3 }, -1)).toEqual({ kind: 'win-rate', value: 0.35 });
  });

  it('stays where every command accepts it: shares within 5%..95% (0% and 100% are refused), win rates within [0, 1], budgets from $1/h', () => {
    expect(stepThreshold({ kind: 'strong-share', share: 0.9 }, 1)).toEqual({ kind: 'strong-share', share: 0.95 });
    expect(stepThreshold({ kind: 'strong-share', share: 0.95 }, 1)).toEqual({ kind: 'strong-share', share: 0.95 });
    expect(stepThreshold({ kind: 'strong-share', share: 0.1 }, -1)).toEqual({ kind: 'strong-share', share: 0.05 });
    expect(stepThreshold({ kind: 'win-rate', value: 0.02 }, 1)).toEqual({ kind: 'win-rate', value: 0 });
    expect(stepThreshold({ kind: 'win-rate', value: 0.98 }, -1)).toEqual({ kind: 'win-rate', value: 1 });
    expect(stepThreshold({ kind: 'budget', usdPerHour: 1.5 }, -1)).toEqual({ kind: 'budget', usdPerHour: 1 });
  });

  it('Ctrl-T turns a share into the threshold last in force, and anything else into 50%', () => {
    expect(toggleThresholdKind({ kind: 'strong-share', share: 0.3 }, 0.4123)).toEqual({ kind: 'win-rate', value: 0.4123 });
    expect(toggleThresholdKind({ kind: 'strong-share', share: 0.3 }, undefined)).toEqual({ kind: 'win-rate', value: 0.5 });
    expect(toggleThresholdKind({ kind: 'win-rate', value: 0.2 }, 0.2)).toEqual({ kind: 'strong-share', share: 0.5 });
  });

  it('says each kind of threshold, and Tab cycles the routers both ways', () => {
    expect([describeThreshold({ kind: 'strong-share', share: 0.35 }), describeThreshold({ kind: 'win-rate', value: 0.3 }), describeThreshold({ kind: 'budget', usdPerHour: 20 })]).toEqual([
      '35% strong',
      'win rate ≥ 0.3',
      '$20/h strong spend',
    ]);
    expect(nextRouter(['a', 'b', 'c'], 'c', 1)).toBe('a');
  });

  it('over a models: list: a cost share, a knob (not held below 1) and a spend, with no strong side', () => {
    expect([describeThreshold({ kind: 'strong-share', share: 0.35 }, true), describeThreshold({ kind: 'win-rate', value: 1.5 }, true), describeThreshold({ kind: 'budget', usdPerHour: 20 }, true)]).toEqual([
      '35% cost share',
      'knob 1.5',
      '$20/h spend',
    ]);
    expect(stepThreshold({ kind: 'win-rate', value: 1.5 }, -1, true)).toEqual({ kind: 'win-rate', value: 1.55 });
    expect(stepThreshold({ kind: 'win-rate', value: 0.02 }, 1, true)).toEqual({ kind: 'win-rate', value: 0 });
    expect(nextRouter(['a', 'b', 'c'], 'a', -1)).toBe('c');
  });
});

describe('the line above an answer', () => {
  const prices = new PriceTable({ 'a-model': { input: 1, output: 1 } });
  const answer = { content: 'hi', model: 'a-model', fallbackFrom: undefined, router: 'knn', threshold: 0.2, usage: { inputTokens: 10, outputTokens: 10 } };
  it('over a models: list, where there is no strong win rate, says the threshold alone (no NaN, no side)', () => {
    expect(describeAnswer({ ...answer, strongWinRate: undefined }, { totalMs: 100, firstTextMs: undefined }, prices)).toBe('a-model · threshold 0.2 · knn · 100 ms · $0.000020');
    expect(describeAnswer({ ...answer, strongWinRate: 0.5 }, { totalMs: 100, firstTextMs: 40 }, prices)).toBe('a-model (strong) · win rate 0.500 ≥ 0.2 · knn · 100 ms (first text 40 ms) · $0.000020');
    // With the answering model's predicted quality (serve's x-routellm-quality, the Controller's decision.qualities).
    expect(describeAnswer({ ...answer, strongWinRate: undefined, quality: 0.9123 }, { totalMs: 100, firstTextMs: undefined }, prices)).toBe('a-model · quality 0.912 · knob 0.2 · knn · 100 ms · $0.000020');
  });
});
