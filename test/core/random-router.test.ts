import { describe, expect, it } from 'vitest';
import { ConfigError, randomRouterFactory, RouterRegistry, seededRandom } from '../../src/core/index.js';

const context = { env: {}, fetch: globalThis.fetch, datasetsDir: '', readFile: async () => new Uint8Array() };

describe('random router', () => {
  it('is reproducible with a seed and uniform on [0, 1)', async () => {
    const a = await randomRouterFactory.create({ seed: 7 }, context);
    const b = await randomRouterFactory.create({ seed: 7 }, context);
    const first = Array.from({ length: 5 }, () => a.strongWinRate('x'));
    expect(Array.from({ length: 5 }, () => b.strongWinRate('y'))).toEqual(first);

    const draw = seededRandom(1);
    const values = Array.from({ length: 20_000 }, draw);
    const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    expect(mean).toBeGreaterThan(0.49);
    expect(mean).toBeLessThan(0.51);
    // Each decile holds about a tenth of the draws.
    for (let decile = 0; decile < 10; decile++) {
      const share = values.filter((v) => Math.floor(v * 10) === decile).length / values.length;
      expect(share).toBeGreaterThan(0.09);
      expect(share).toBeLessThan(0.11);
    }
  });

  it('rejects a seed that is not an integer', () => {
    expect(() => randomRouterFactory.create({ seed: 'x' }, context)).toThrow(ConfigError);
  });

  it('rejects an option it does not know, as every other router does', () => {
    expect(() => randomRouterFactory.create({ seed: 42, bogus: 1 }, context)).toThrow(ConfigError);
    expect(() => randomRouterFactory.create({ sede: 42 }, context)).toThrow('random: unknown option "sede"; known options: seed');
  });

  it('is found by name in a registry, and an unknown name lists the known ones', async () => {
    const registry = new RouterRegistry().register(randomRouterFactory);
    const routers = await registry.build(['random'], { random: { seed: 1 } }, context);
    expect([...routers.keys()]).toEqual(['random']);
    expect(() => registry.get('mf')).toThrow('unknown router "mf"; available routers: random');
    expect(() => registry.register({ ...randomRouterFactory, name: 'bad-name' })).toThrow(ConfigError);
  });
});
