import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/index.js';
import { Controller } from '../../src/controller/controller.js';
import type { ControllerOptions } from '../../src/controller/controller-options.js';
import { loadConfig } from '../../src/config/load-config.js';
import { startUpstreamServer, type UpstreamServer } from '../helpers/upstream-server.js';

const QUIET = { info() {}, warn() {} };
let upstream: UpstreamServer;
let base: ControllerOptions;
const dir = mkdtempSync(join(tmpdir(), 'routellm-options-'));
beforeAll(async () => {
  upstream = await startUpstreamServer();
  base = { routers: ['random'], strongModel: 'strong-m', weakModel: 'weak-m', baseURL: upstream.baseURL, apiKey: 'k', env: {}, logger: QUIET };
});
afterAll(async () => {
  await upstream.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What Controller.create rejects with, for options a JS caller (or a TS one passing a built object) may write. */
async function refusal(options: Record<string, unknown>): Promise<Error> {
  const error = await Controller.create(options as ControllerOptions).then(
    async (controller) => {
      await controller.close();
      return undefined;
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as Error;
}

describe('Controller.create checks its prices as the config file does', () => {
  it('refuses a negative price with the config file\'s own message', async () => {
    const negative = { 'weak-m': { input: -1000, output: 1 }, 'strong-m': { input: 10, output: 30 } };
    const error = await refusal({ ...base, prices: negative });
    expect(error.message).toBe('prices.weak-m.input must be a non-negative number of USD per million tokens, got -1000');
    const file = join(dir, 'negative.yaml');
    writeFileSync(file, 'prices:\n  weak-m: {input: -1000, output: 1}\n');
    await expect(loadConfig(file, {}, dir)).rejects.toThrow(`${file}: ${error.message}`);
  });

  it('refuses a missing side or an unknown field of a price', async () => {
    expect((await refusal({ ...base, prices: { 'weak-m': { input: 1 } } })).message).toBe('prices.weak-m.output is missing: a price needs both input and output, in USD per million tokens (0 for a free side)');
    expect((await refusal({ ...base, prices: { 'weak-m': { input: 1, output: 2, cached: 0.5 } } })).message).toMatch(/^prices\.weak-m\.cached is not a price field/);
  });
});

describe('Controller.create refuses options it does not know', () => {
  it('names a typo and the option meant', async () => {
    expect((await refusal({ ...base, fallbak: false })).message).toBe('fallbak is not an option of Controller.create; did you mean fallback?');
  });

  it("names the config file's and RouteLLM's snake_case spellings with the camelCase one", async () => {
    const { baseURL, apiKey, ...rest } = base;
    expect((await refusal({ ...rest, base_url: baseURL })).message).toBe('base_url is not an option of Controller.create; did you mean baseURL?');
    expect((await refusal({ ...rest, baseURL, api_key: apiKey })).message).toBe('api_key is not an option of Controller.create; did you mean apiKey?');
    expect((await refusal({ ...rest, api_base: baseURL })).message).toBe('api_base is not an option of Controller.create; did you mean baseURL?');
    expect((await refusal({ ...base, ttfb_timeout: 1 })).message).toMatch(/did you mean ttfbTimeout\?$/);
    expect((await refusal({ ...base, share_window: 5 })).message).toMatch(/did you mean shareWindow\?$/);
  });

  it('lists the options when nothing is close', async () => {
    expect((await refusal({ ...base, temperature: 0 })).message).toMatch(/^temperature is not an option of Controller\.create; use routers, strongModel, .*logger, logLevel$/);
  });

  it('checks the fields of a models entry, its price and a provider', async () => {
    const { strongModel, weakModel, ...rest } = base;
    const entry = { name: 'a', base_url: upstream.baseURL, price: { input: 1, output: 2 } };
    expect((await refusal({ ...rest, models: [entry, { name: 'b', baseUrl: upstream.baseURL, price: { input: 2, output: 3 } }] })).message).toBe(
      'models[0].base_url is not a field of a models entry; did you mean baseUrl?',
    );
    expect((await refusal({ ...rest, models: ['x', { name: 'b', baseUrl: upstream.baseURL, price: { input: 2, outptu: 3 } }] })).message).toBe(
      'models[1].price.outptu is not a price field; did you mean output?',
    );
    expect((await refusal({ ...base, providers: { mine: { base_url: upstream.baseURL } } })).message).toBe('providers.mine.base_url is not a field of a provider; did you mean baseURL?');
  });

  it('refuses routers and config of the wrong kind, and no router at all', async () => {
    expect((await refusal({ ...base, routers: 'mf' })).message).toMatch(/^routers must be a list .*; got "mf"$/);
    expect((await refusal({ ...base, config: 42 })).message).toBe("config must be the config file's path or the config as an object, got 42");
    expect((await refusal({ ...base, routers: [] })).message).toMatch(/^no router to load/);
  });

  it('takes every option it declares, and a models entry with every field', async () => {
    const every: Required<ControllerOptions> = {
      ...(base as Required<ControllerOptions>),
      config: {},
      providers: { mine: { baseURL: upstream.baseURL, apiKeyEnv: 'MINE_KEY' } },
      prices: { 'strong-m': { input: 10, output: 30 } },
      fallback: false, timeout: 30, ttfbTimeout: 10, deadline: 60, maxConcurrency: 4, maxQueue: 8, logPrompts: false, streamUsage: true,
      degradedShare: 0.3, degradedWindow: 60, verbose: false, shareWindow: 50, shareState: join(dir, 'shares.json'),
      cwd: dir, fetch: globalThis.fetch, models: undefined as never,
    };
    const { models: _none, ...pairOptions } = every;
    const pair = await Controller.create(pairOptions);
    expect(pair.routers()).toEqual(['random']);
    await pair.close();
    const { strongModel: _s, weakModel: _w, routers: _r, ...listOptions } = pairOptions;
    const listed = await Controller.create({
      ...listOptions,
      routers: ['knn'],
      models: [{ name: 'a', provider: 'mine', apiKeyEnv: 'A_KEY', price: { input: 1, output: 2 }, tags: ['cheap'], scoredAs: 'mistralai/mistral-7b-chat' }, { name: 'b', baseUrl: upstream.baseURL, price: { input: 2, output: 3 }, scoredAs: 'gpt-4-1106-preview' }],
    });
    expect(listed.modelList?.map((entry) => entry.name)).toEqual(['a', 'b']);
    await listed.close();
  });
});
