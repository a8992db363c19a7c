import { describe, expect, it } from 'vitest';
import { formatModelName, parseModelName, RoutingError } from '../../src/core/index.js';

describe('parseModelName', () => {
  it('splits on the first two hyphens like RouteLLM', () => {
    expect(parseModelName('router-mf-0.116')).toEqual({ router: 'mf', threshold: { kind: 'win-rate', value: 0.116 } });
    expect(parseModelName('router-sw_ranking-1')).toEqual({ router: 'sw_ranking', threshold: { kind: 'win-rate', value: 1 } });
    expect(parseModelName('router-random-0')).toEqual({ router: 'random', threshold: { kind: 'win-rate', value: 0 } });
    expect(parseModelName('router-mf-1e-1').threshold).toEqual({ kind: 'win-rate', value: 0.1 });
    expect(parseModelName('router-mf-.5').threshold).toEqual({ kind: 'win-rate', value: 0.5 });
    // Python's float("-0") is a valid threshold too; it reads as 0, not -0.
    expect(Object.is((parseModelName('router-mf--0').threshold as { value: number }).value, 0)).toBe(true);
  });

  it('reads a strong-model share written as a percentage', () => {
    expect(parseModelName('router-mf-50%')).toEqual({ router: 'mf', threshold: { kind: 'strong-share', share: 0.5 } });
    expect(parseModelName('router-mf-12.5%').threshold).toEqual({ kind: 'strong-share', share: 0.125 });
  });

  it.each([
    ['', 'non-empty string'],
    ['gpt-4', 'expected "router-<router>-<threshold>"'],
    ['router-mf', 'expected "router-<router>-<threshold>"'],
    ['routerx-mf-0.5', 'expected "router-<router>-<threshold>"'],
    ['router--0.5', 'router name is empty'],
    ['router-mf-abc', 'is not a number'],
    ['router-mf-', 'is not a number'],
    ['router-mf-0.5-0.2', 'is not a number'],
    ['router-mf-nan', 'is not a number'],
    ['router-mf-Infinity', 'is not a number'],
    ['router-mf-1.5', 'outside [0, 1]'],
    // A share written without its % sign gets the spelling that works.
    ['router-mf-50', 'threshold 50 is outside [0, 1]; for 50% of calls to the strong model write the share as 50%'],
    ['router-mf-12.5', 'write the share as 12.5%'],
    ['router-mf--0.1', 'threshold -0.1 is outside [0, 1]'],
    ['router-mf--1e-3', 'threshold -1e-3 is outside [0, 1]'],
    ['router-mf--abc', 'is not a number'],
    ['router-mf---0.1', 'is not a number'],
    ['router-mf--5%', 'between 0% and 100%'],
    ['router-mf--0%', 'between 0% and 100%'],
    ['router-mf-150%', 'between 0% and 100%'],
    ['router-mf-x%', 'between 0% and 100%'],
    // A table's extreme quantiles are not "never" and "always": refused, as calibrate refuses them.
    ['router-mf-100%', `threshold "100%": a strong-model share must be strictly between 0% and 100%; use threshold 0 to send every call to the strong model, or call the weak model's own endpoint to skip routing`],
    ['router-mf-100.0%', 'strictly between 0% and 100%'],
    ['router-mf-0%', `threshold "0%": a strong-model share must be strictly between 0% and 100%; use threshold 0 to send every call to the strong model, or call the weak model's own endpoint to skip routing`],
    ['router-mf-0.00%', 'strictly between 0% and 100%'],
  ])('rejects %j with a message naming the problem', (model, message) => {
    let caught: unknown;
    try {
      parseModelName(model);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(RoutingError);
    expect((caught as RoutingError).message).toContain(message);
    expect((caught as RoutingError).param).toBe('model');
  });

  it('over a list of models, says knob and cost share (it said "[0, 1]" and "strong-model share" there)', () => {
    expect(() => parseModelName('router-knn-abc', { knob: true })).toThrow('threshold "abc" is not a number; use a knob >= 0 or a cost share like 30%');
    expect(() => parseModelName('router-knn-150%', { knob: true })).toThrow('threshold "150%" is not a cost share between 0% and 100%');
    // The pair's wording is unchanged.
    expect(() => parseModelName('router-mf-abc')).toThrow('threshold "abc" is not a number; use a number in [0, 1] or a share like 50%');
    expect(() => parseModelName('router-mf-150%')).toThrow('threshold "150%" is not a strong-model share between 0% and 100%');
  });

  it('rejects a model that is not a string', () => {
    expect(() => parseModelName(42)).toThrow(RoutingError);
    expect(() => parseModelName(undefined)).toThrow(/non-empty string/);
  });

  it('formats back to a name it parses', () => {
    for (const name of ['router-mf-0.116', 'router-random-50%']) {
      const parsed = parseModelName(name);
      expect(formatModelName(parsed.router, parsed.threshold)).toBe(name);
    }
  });
});
