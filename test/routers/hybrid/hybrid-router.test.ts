import { describe, expect, it } from 'vitest';
import { ConfigError, type Router, type RouterFactory } from '../../../src/core/index.js';
import { createHybridRouter, createHybridRouterFactory } from '../../../src/routers/hybrid/hybrid-router.js';
import { nodeRouterContext } from '../../../src/runtime/node-router-context.js';

/** A router that answers a fixed rate and records what it was asked. */
function fixed(name: string, rate: number, seen: string[]): Router {
  return {
    name,
    fingerprint: name,
    strongWinRate: (prompt) => {
      seen.push(prompt);
      return rate;
    },
  };
}

const mc = 'Which is a noble gas?\nA. Neon\nB. Sodium\nAnswer:';
const open = 'Write a limerick about a cat.';

describe('hybrid router', () => {
  it('asks lexical about multiple-choice questions and mf about the rest, in batches in prompt order', async () => {
    const semanticSeen: string[] = [];
    const lexicalSeen: string[] = [];
    const hybrid = createHybridRouter({ semantic: fixed('mf', 0.2, semanticSeen), lexical: fixed('lexical', 0.7, lexicalSeen) });
    expect(await hybrid.strongWinRate(mc)).toBe(0.7);
    expect(await hybrid.strongWinRate(open)).toBe(0.2);
    expect(await hybrid.strongWinRates!([open, mc, open, mc])).toEqual([0.2, 0.7, 0.2, 0.7]);
    expect(lexicalSeen).toEqual([mc, mc, mc]);
    expect(semanticSeen).toEqual([open, open, open]);
  });

  it('has a fingerprint that changes with either expert', () => {
    const make = (a: string, b: string) => createHybridRouter({ semantic: fixed(a, 0, []), lexical: fixed(b, 0, []) }).fingerprint;
    expect(make('m1', 'l1')).toBe(make('m1', 'l1'));
    expect(make('m1', 'l1')).not.toBe(make('m2', 'l1'));
    expect(make('m1', 'l1')).not.toBe(make('m1', 'l2'));
  });

  it("passes each expert its own options and refuses anything else with the accepted keys", async () => {
    const given: Record<string, unknown> = {};
    const factory = (name: string): RouterFactory => ({
      name,
      description: name,
      offline: true,
      create: (options) => {
        given[name] = options;
        return fixed(name, 0.5, []);
      },
    });
    const hybrid = createHybridRouterFactory({ mf: factory('mf'), lexical: factory('lexical') });
    const context = nodeRouterContext({ env: {} });
    await hybrid.create({ mf: { cache_size: 5 } }, context);
    expect(given).toEqual({ mf: { cache_size: 5 }, lexical: {} });
    await expect(hybrid.create({ threshold: 1 }, context)).rejects.toThrow(ConfigError);
    await expect(hybrid.create({ threshold: 1 }, context)).rejects.toThrow('hybrid: unknown option "threshold"; known options: mf, lexical');
    await expect(hybrid.create({ lexical: 'datasets/lexical' }, context)).rejects.toThrow('hybrid: option "lexical" must be a map of lexical\'s own options');
  });

  it('with both experts failing, always reports mf\'s error, whichever fails first', async () => {
    const failing = (name: string, ms: number): RouterFactory => ({
      name,
      description: name,
      offline: true,
      create: () => new Promise<Router>((_, reject) => setTimeout(() => reject(new ConfigError(`${name}: cannot read its weights`)), ms)),
    });
    const context = nodeRouterContext({ env: {} });
    // lexical fails first in time; the message must still be mf's, the first expert.
    const hybrid = createHybridRouterFactory({ mf: failing('mf', 20), lexical: failing('lexical', 0) });
    await expect(hybrid.create({}, context)).rejects.toThrow('mf: cannot read its weights');
  });
});
