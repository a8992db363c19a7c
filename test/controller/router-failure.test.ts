import { InternalServerError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, type Router, type RouterFactory } from '../../src/core/index.js';
import { Controller } from '../../src/controller/controller.js';
import { startProxy, type Proxy } from '../helpers/proxy-harness.js';
import { startUpstreamServer, type UpstreamServer } from '../helpers/upstream-server.js';

/** Routers of a user's that break: each answers what a buggy scorer gives, or throws. */
const BROKEN: Record<string, Router['strongWinRate']> = {
  nan: () => Number.NaN,
  above: () => 2,
  below: () => -1,
  nothing: () => undefined as unknown as number,
  text: () => '0.9' as unknown as number,
  throws: () => {
    throw new Error('boom');
  },
  rejects: async () => {
    throw new TypeError('scorer not ready');
  },
};
const routers: Router[] = Object.entries(BROKEN).map(([name, strongWinRate]) => ({ name, fingerprint: `${name}:test`, strongWinRate }));
const EXPECTED: Record<string, string> = {
  nan: 'router "nan" returned an invalid win rate NaN',
  above: 'router "above" returned an invalid win rate 2',
  below: 'router "below" returned an invalid win rate -1',
  nothing: 'router "nothing" returned an invalid win rate undefined',
  text: 'router "text" returned an invalid win rate "0.9"',
  throws: 'router "throws" failed: boom',
  rejects: 'router "rejects" failed: scorer not ready',
};
const messages = [{ role: 'user' as const, content: 'hi' }];

let upstream: UpstreamServer;
let controller: Controller;
let proxy: Proxy;
beforeAll(async () => {
  upstream = await startUpstreamServer();
  controller = await Controller.create({ routers, strongModel: 'strong-m', weakModel: 'weak-m', baseURL: upstream.baseURL, apiKey: 'k', env: {}, logger: { info() {}, warn() {} } });
  proxy = await startProxy({ routers });
});
afterAll(async () => {
  await controller.close();
  await proxy.close();
  await upstream.close();
});

describe("a Router of the user's that fails is the server's failure, not the caller's", () => {
  for (const name of Object.keys(BROKEN)) {
    it(`${name}: 500 server_error, code router_failure, in-process and over HTTP alike`, async () => {
      const asked = { model: `router-${name}-0.5`, messages };
      const errors = [await controller.chat.completions.create(asked).catch((caught: unknown) => caught), await proxy.client.chat.completions.create(asked).catch((caught: unknown) => caught)];
      for (const error of errors) {
        expect(error).toBeInstanceOf(InternalServerError);
        const api = error as InternalServerError;
        expect(api.status).toBe(500);
        expect(api.error).toMatchObject({ type: 'server_error', code: 'router_failure' });
        expect(api.message).toContain(EXPECTED[name]);
      }
      // Nothing was sent upstream: the router failed before a model was chosen.
      expect(upstream.requests.filter((request) => request.path.endsWith('/chat/completions'))).toEqual([]);
    });
  }

  it('a failing router is not decided on either: route() rejects with the RouterError', async () => {
    await expect(controller.route('hi', 'text', 0.5)).rejects.toMatchObject({ name: 'RouterError', message: expect.stringContaining(EXPECTED['text'] as string) });
  });
});

describe('a router of your own named like a built-in', () => {
  it('is refused, a Router and a RouterFactory alike', async () => {
    const pair = { strongModel: 'strong-m', weakModel: 'weak-m', baseURL: upstream.baseURL, apiKey: 'k', env: {} };
    const mine: Router = { name: 'difficulty', fingerprint: 'mine', strongWinRate: () => 0.99 };
    await expect(Controller.create({ ...pair, routers: [mine] })).rejects.toThrow(ConfigError);
    await expect(Controller.create({ ...pair, routers: [mine] })).rejects.toThrow('router "difficulty" is the name of a built-in router');
    const factory: RouterFactory = { name: 'mf', description: 'mine', offline: true, create: () => ({ name: 'mf', fingerprint: 'mine', strongWinRate: () => 0.99 }) };
    await expect(Controller.create({ ...pair, routers: [factory] })).rejects.toThrow('router "mf" is the name of a built-in router');
  });
});
