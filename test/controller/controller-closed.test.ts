import { BadRequestError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControllerClosedError, UsageError } from '../../src/core/index.js';
import { Controller } from '../../src/controller/controller.js';
import { startUpstreamServer, type UpstreamServer } from '../helpers/upstream-server.js';

const MESSAGES = [{ role: 'user' as const, content: 'hi' }];
const CLOSED = 'this Controller is closed';

let upstream: UpstreamServer;
let controller: Controller;
const warnings: string[] = [];
beforeAll(async () => {
  upstream = await startUpstreamServer();
  controller = await Controller.create({
    routers: ['random'],
    strongModel: 'strong-m',
    weakModel: 'weak-m',
    baseURL: upstream.baseURL,
    prices: { 'strong-m': { input: 10, output: 30 }, 'weak-m': { input: 1, output: 2 } },
    env: {},
    logger: { info() {}, warn: (_fields, message) => warnings.push(message) },
  });
  // One call while open: the upstream and the stats work, so what follows is the closing's doing.
  await controller.chat.completions.create({ model: 'router-random-0.5', messages: MESSAGES });
  await controller.close();
});
afterAll(async () => {
  await upstream.close();
});

describe('a Controller after close()', () => {
  it('chat fails at once with a BadRequestError naming the cause (code controller_closed): no upstream call, no fallback, no request in stats', async () => {
    const before = controller.stats();
    for (const stream of [false, true]) {
      const error = await controller.chat.completions.create({ model: 'router-random-0.5', messages: MESSAGES, stream }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(BadRequestError);
      expect((error as BadRequestError).message).toContain(CLOSED);
      expect((error as BadRequestError).code).toBe('controller_closed');
      expect((error as Error).cause).toBeInstanceOf(ControllerClosedError);
    }
    await expect(controller.chat.completions.create({ model: 'router-random-0.5', messages: MESSAGES }).withDecision()).rejects.toThrow(CLOSED);
    expect(upstream.requests).toHaveLength(1);
    expect(warnings.filter((line) => line.includes('fallback'))).toEqual([]);
    const after = controller.stats();
    expect(after).toEqual(before);
    expect(Object.values(after.fallbacks).every((count) => count === 0)).toBe(true);
  });

  it('route, decide, winRates and reload reject with a ControllerClosedError (a UsageError), as a program can test for', async () => {
    for (const call of [
      () => controller.route('Prove that 2 is prime.', 'random', 0.5),
      () => controller.decide('Prove that 2 is prime.', 'random', '50%'),
      () => controller.winRates(['a', 'b'], 'random'),
      () => controller.reload(),
    ]) {
      const error = await call().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ControllerClosedError);
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message).toContain(CLOSED);
    }
    expect(upstream.requests).toHaveLength(1);
  });

  it('still reads: its routers, its pair and its stats; close() again is a no-op', async () => {
    expect(controller.routers()).toEqual(['random']);
    expect(controller.modelPair).toEqual({ strong: 'strong-m', weak: 'weak-m' });
    expect(controller.stats().requests).toBe(1);
    await expect(controller.close()).resolves.toBeUndefined();
  });
});
