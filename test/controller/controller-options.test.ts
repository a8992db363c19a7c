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
    expect((await refusal({ ...base, prices: { 'weak-m': { input: 1 } } })).message).toBe('prices.weak-m.output must be a non-negative number of USD per million tokens, got undefined');
    expect((await refusal({ ...base, prices: { 'weak-m': { input: 1, output: 2, cached: 0.5 } } })).message).toMatch(/^prices\.weak-m\.cached is not a price field/);
  });
});
