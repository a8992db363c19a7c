import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APIConnectionTimeoutError, BadRequestError } from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, type Router, type RouterFactory } from '../../src/core/index.js';
import { Controller } from '../../src/controller/controller.js';
import { builtinRouters, createRouter } from '../../src/controller/routers.js';
import { keywordRouter } from '../helpers/proxy-harness.js';
import { echoReply, startUpstreamServer, type UpstreamServer } from '../helpers/upstream-server.js';

const PAIR = { strongModel: 'strong-model', weakModel: 'weak-model' };
const HARD = [{ role: 'user' as const, content: 'a HARD question' }];
const EASY = [{ role: 'user' as const, content: 'hi' }];

let upstream: UpstreamServer;
let controller: Controller;
const warnings: string[] = [];
beforeAll(async () => {
  upstream = await startUpstreamServer();
  controller = await Controller.create({
    routers: ['random', keywordRouter],
    ...PAIR,
    baseURL: upstream.baseURL,
    apiKey: 'upstream-key',
    prices: { 'strong-model': { input: 10, output: 30 }, 'weak-model': { input: 1, output: 2 } },
    env: {},
    logger: { info() {}, warn: (_fields, message) => warnings.push(message) },
  });
});
afterEach(() => {
  upstream.reply = echoReply;
});
afterAll(async () => {
  await controller.close();
  await upstream.close();
});

describe('Controller.create', () => {
  it('loads built-in routers by name and router objects of your own, in order', () => {
    expect(controller.routers()).toEqual(['random', 'keyword']);
    expect(controller.modelPair).toEqual({ strong: 'strong-model', weak: 'weak-model' });
  });

  it('fails at creation, not on the first call, for a missing key (ConfigError naming the variable)', async () => {
    const error = await Controller.create({ routers: ['random'], strongModel: 'gpt-4o', weakModel: 'groq/llama-3.1-8b-instant', env: {} }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/OPENAI_API_KEY|GROQ_API_KEY/);
  });

  it("refuses serve's settings out of range, named as the option", async () => {
    await expect(Controller.create({ routers: ['random'], ...PAIR, baseURL: upstream.baseURL, env: {}, timeout: 0 })).rejects.toThrow('timeout must be a number of seconds above 0');
    await expect(Controller.create({ routers: ['random'], ...PAIR, baseURL: upstream.baseURL, env: {}, shareWindow: 0 })).rejects.toThrow('shareWindow must be an integer from 1');
  });

  it('refuses a router object a model name could not address', async () => {
    const hyphenated: Router = { ...keywordRouter, name: 'my-router' };
    await expect(Controller.create({ routers: [hyphenated], ...PAIR, baseURL: upstream.baseURL, env: {} })).rejects.toThrow('may use only letters, digits and underscores');
    await expect(Controller.create({ routers: [{ name: 'x' } as unknown as Router], ...PAIR, baseURL: upstream.baseURL, env: {} })).rejects.toThrow('needs a name, a fingerprint');
  });

  it('builds a RouterFactory of your own with its options from the config file, as the built-ins', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'routellm-controller-'));
    try {
      writeFileSync(join(dir, 'config.yaml'), 'constant:\n  rate: 0.8\n');
      const factory: RouterFactory = {
        name: 'constant',
        description: 'the same win rate for every prompt',
        offline: true,
        create: (options) => ({ name: 'constant', fingerprint: `constant:${options['rate']}`, strongWinRate: () => Number(options['rate']) }),
      };
      const configured = await Controller.create({ routers: [factory], ...PAIR, baseURL: upstream.baseURL, env: {}, config: 'config.yaml', cwd: dir });
      try {
        expect(await configured.winRates(['a', 'b'], 'constant')).toEqual([0.8, 0.8]);
        expect(await configured.route('anything', 'constant', 0.5)).toBe('strong-model');
      } finally {
        await configured.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("takes the config as an object too, as RouteLLM's Controller takes its config dict, checked as a file is", async () => {
    const seeded = await Controller.create({ routers: ['random'], ...PAIR, baseURL: upstream.baseURL, env: {}, config: { random: { seed: 42 } } });
    try {
      const reference = await createRouter('random', { options: { seed: 42 }, env: {} });
      expect(await seeded.winRates(['a', 'b', 'c'], 'random')).toEqual([await reference.strongWinRate('a'), await reference.strongWinRate('b'), await reference.strongWinRate('c')]);
    } finally {
      await seeded.close();
    }
    await expect(Controller.create({ routers: ['random'], ...PAIR, baseURL: upstream.baseURL, env: {}, config: { random: 3 } })).rejects.toThrow(ConfigError);
    await expect(Controller.create({ routers: ['random'], ...PAIR, baseURL: upstream.baseURL, env: {}, config: { server: { timeout: -1 } } })).rejects.toThrow('server.timeout must be a number of seconds');
  });
});

describe('a router of your own and shares (QA finding N: the shipped example warned about its own router)', () => {
  it('says nothing at start-up; a share asked of it is refused in words for a router in code, with no CLI advice', async () => {
    // The shared controller above loads `keyword`, a Router object, and only numeric thresholds use it.
    expect(warnings.filter((line) => line.includes('keyword'))).toEqual([]);
    const error = await controller.chat.completions.create({ model: 'router-keyword-50%', messages: HARD }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).message).toBe(
      '400 router "keyword" is one of this program\'s own, and no calibration table knows its win rates, so the share 50% cannot be turned into a threshold; give a threshold in [0, 1] instead (router-keyword-0.5)',
    );
    expect((error as BadRequestError).message).not.toContain('routellm calibrate');
    // A built-in router the tables cannot serve is still said at start-up (serve's log: test/cli/serve.test.ts).
  });
});

describe("RouteLLM's Controller methods", () => {
  it('route(prompt, router, threshold) names the model, as the Python does', async () => {
    expect(await controller.route('a HARD one', 'keyword', 0.5)).toBe('strong-model');
    expect(await controller.route('easy', 'keyword', 0.5)).toBe('weak-model');
  });

  it('decide gives the whole decision; a share threshold resolves from the calibration table', async () => {
    expect(await controller.decide('a HARD one', 'keyword', 0.5)).toEqual({ router: 'keyword', threshold: 0.5, strongWinRate: 0.9, tier: 'strong', model: 'strong-model' });
    const shared = await controller.decide('whatever', 'random', '50%');
    expect(shared.threshold).toBeGreaterThan(0);
    expect(shared.threshold).toBeLessThan(1);
  });

  it("winRates is batch_calculate_win_rate: one strong win rate per prompt, in order", async () => {
    expect(await controller.winRates(['HARD', 'easy', 'HARD again'], 'keyword')).toEqual([0.9, 0.1, 0.9]);
  });

  it('refuses an unknown router in route with a RoutingError naming the loaded ones', async () => {
    await expect(controller.route('x', 'nope', 0.5)).rejects.toThrow('unknown router "nope"; loaded routers: random, keyword (Controller.create\'s routers option loads others)');
  });
});

describe('chat.completions.create in-process', () => {
  it('routes with a router object of your own and answers from the model chosen', async () => {
    expect((await controller.chat.completions.create({ model: 'router-keyword-0.5', messages: HARD })).model).toBe('strong-model');
    expect((await controller.chat.completions.create({ model: 'router-keyword-0.5', messages: EASY })).model).toBe('weak-model');
  });

  it('withDecision: the answer with what was routed and who answered', async () => {
    const routed = await controller.chat.completions.create({ model: 'router-keyword-0.5', messages: HARD }).withDecision();
    expect(routed.data.choices[0]?.message.content).toBe('echo: a HARD question');
    expect(routed.decision).toEqual({ router: 'keyword', threshold: 0.5, strongWinRate: 0.9, tier: 'strong', model: 'strong-model' });
    expect(routed).toMatchObject({ model: 'strong-model', attempts: 1, fallbackFrom: undefined });
    expect(routed.requestId).toMatch(/^req_[0-9a-f]{32}$/);
  });

  it('withDecision says so after a fallback, and the warning reaches the logger', async () => {
    upstream.reply = (request) => (request.body.model === 'strong-model' ? { kind: 'error', status: 503 } : echoReply(request));
    const routed = await controller.chat.completions.create({ model: 'router-keyword-0.5', messages: HARD }).withDecision();
    expect(routed).toMatchObject({ model: 'weak-model', attempts: 2, fallbackFrom: 'strong-model' });
    expect(routed.decision.model).toBe('strong-model');
    expect(warnings.some((line) => line.includes('fallback: "strong-model" failed (server_error), "weak-model" answers instead'))).toBe(true);
  });

  it('keeps each call its own decision when many are in flight at once (no lastDecision to race on)', async () => {
    const calls = Array.from({ length: 40 }, (_, i) =>
      controller.chat.completions.create({ model: 'router-keyword-0.5', messages: [{ role: 'user', content: i % 3 === 0 ? `HARD ${i}` : `easy ${i}` }], stream: i % 2 === 0 }).withDecision(),
    );
    const routed = await Promise.all(calls);
    routed.forEach((call, i) => {
      expect(call.decision.model).toBe(i % 3 === 0 ? 'strong-model' : 'weak-model');
      expect(call.model).toBe(call.decision.model);
    });
    // Streams left unread still hold their slot until read or stopped: read them.
    for (const call of routed) if (Symbol.asyncIterator in (call.data as object)) for await (const _ of call.data as AsyncIterable<unknown>) void _;
  });

  it('accounts the spend in-process: stats() is /v1/routellm/stats', async () => {
    const before = controller.stats();
    await controller.chat.completions.create({ model: 'router-keyword-0.5', messages: HARD });
    const stream = await controller.chat.completions.create({ model: 'router-keyword-0.5', messages: EASY, stream: true });
    for await (const _chunk of stream) void _chunk;
    const after = controller.stats();
    expect(after.requests - before.requests).toBe(2);
    expect(after.spend_usd).toBeGreaterThan(before.spend_usd);
    expect(after.models['weak-model']?.input_tokens).toBeGreaterThan(before.models['weak-model']?.input_tokens ?? 0);
    expect(after.saving_usd).not.toBeNull();
  });

  it('raises BadRequestError for a params object that is not one, as serve does for a body', async () => {
    const error = await controller.chat.completions.create('hello' as never).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadRequestError);
  });

  it("gives up past the call's own timeout with the SDK's APIConnectionTimeoutError", async () => {
    upstream.reply = () => ({ kind: 'hang' });
    const error = await controller.chat.completions.create({ model: 'router-keyword-0.5', messages: HARD }, { timeout: 100 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(APIConnectionTimeoutError);
  });

  it('holds a share on the traffic it routes, as serve does (the live window, not only the table)', async () => {
    for (let i = 0; i < 60; i += 1) await controller.chat.completions.create({ model: 'router-random-30%', messages: [{ role: 'user', content: `q${i}` }] });
    const share = controller.stats().shares?.find((entry) => entry.model === 'router-random-30%');
    expect(share).toMatchObject({ router: 'random', share: 0.3, threshold_source: 'window', window_fill: 60 });
  });
});

describe('routers on their own', () => {
  it('lists the built-ins and builds one by name with its options', async () => {
    expect(builtinRouters()).toEqual(expect.arrayContaining(['difficulty', 'hybrid', 'mf', 'lexical', 'random', 'sw_ranking', 'causal_llm']));
    const seeded = await createRouter('random', { options: { seed: 42 }, env: {} });
    const again = await createRouter('random', { options: { seed: 42 }, env: {} });
    expect(await seeded.strongWinRate('x')).toBe(await again.strongWinRate('x'));
  });
});
