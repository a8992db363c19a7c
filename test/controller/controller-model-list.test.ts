import { BadRequestError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, RoutingError } from '../../src/core/index.js';
import { Controller } from '../../src/index.js';
import { startUpstreamServer, type UpstreamServer } from '../helpers/upstream-server.js';

let upstreams: UpstreamServer[];
let controller: Controller;
const models = () => [
  { name: 'local-7b', baseUrl: upstreams[0]!.baseURL, scoredAs: 'mistralai/mistral-7b-chat', price: { input: 0.2, output: 0.2 }, tags: ['local'] },
  { name: 'yi-34b', baseUrl: upstreams[1]!.baseURL, scoredAs: 'zero-one-ai/Yi-34B-Chat', price: { input: 0.8, output: 0.8 }, tags: [] },
  { name: 'gpt-4-1106-preview', baseUrl: upstreams[2]!.baseURL, price: { input: 10, output: 30 }, tags: [] },
];
beforeAll(async () => {
  upstreams = [];
  for (const name of ['local', 'yi', 'gpt4']) upstreams.push(await startUpstreamServer({ reply: () => ({ kind: 'json', content: `from ${name}` }) }));
  controller = await Controller.create({ models: models(), env: {}, logger: { info() {}, warn() {} } });
});
afterAll(async () => {
  await controller.close();
  for (const upstream of upstreams) await upstream.close();
});

describe('the Controller over a list of models', () => {
  it('takes the list, loads the router over a list (knn by default), and returns the decision with every quality', async () => {
    expect(controller.routers()).toEqual(['knn']);
    expect(controller.modelList?.map((entry) => entry.name)).toEqual(['local-7b', 'yi-34b', 'gpt-4-1106-preview']);
    expect(controller.modelPair).toEqual({ weak: 'local-7b', strong: 'gpt-4-1106-preview' });
    const cheap = await controller.decide('What is the capital of France?', 'knn', 1000);
    expect(cheap).toMatchObject({ router: 'knn', threshold: 1000, model: 'local-7b', tier: 'weak' });
    expect(cheap.strongWinRate).toBeUndefined();
    expect(Object.keys(cheap.qualities!)).toEqual(['local-7b', 'yi-34b', 'gpt-4-1106-preview']);
    const best = await controller.decide('What is the capital of France?', 'knn', 0);
    expect(best.qualities![best.model]).toBe(Math.max(...Object.values(best.qualities!)));
    expect(await controller.route('What is the capital of France?', 'knn', '30%')).toMatch(/local-7b|yi-34b|gpt-4-1106-preview/);
  });

  it('answers chat completions from the chosen model, and falls back up the list', async () => {
    const { data, decision, tried } = await controller.chat.completions.create({ model: 'router-knn-1000', messages: [{ role: 'user', content: 'hi' }] }).withDecision();
    expect(data.choices[0]?.message.content).toBe('from local');
    expect(decision.model).toBe('local-7b');
    expect(tried).toEqual(['local-7b']);
    upstreams[0]!.reply = () => ({ kind: 'error', status: 503 });
    const fallen = await controller.chat.completions.create({ model: 'router-knn-1000', messages: [{ role: 'user', content: 'hi' }] }).withDecision();
    expect(fallen.data.choices[0]?.message.content).toBe('from yi');
    expect(fallen).toMatchObject({ model: 'yi-34b', attempts: 2, fallbackFrom: 'local-7b', tried: ['local-7b', 'yi-34b'] });
    const stats = controller.stats();
    expect(stats.list?.models).toEqual(['local-7b', 'yi-34b', 'gpt-4-1106-preview']);
    expect(stats.list?.all_strongest_spend_usd).toBeGreaterThan(stats.spend_usd);
  });

  it("predicts every model's quality for each prompt (qualities), the same as decide's, and winRates says to use it", async () => {
    const prompts = ['What is the capital of France?', 'Write a Python function that returns the n-th prime.', 'Which is heavier, a kilo of iron or a kilo of feathers?'];
    const qualities = await controller.qualities(prompts, 'knn');
    expect(qualities).toHaveLength(3);
    for (const [index, prompt] of prompts.entries()) {
      expect(Object.keys(qualities[index]!)).toEqual(['local-7b', 'yi-34b', 'gpt-4-1106-preview']);
      expect(qualities[index]).toEqual((await controller.decide(prompt, 'knn', 0)).qualities);
    }
    // The prompts are scored apart: they are not all predicted alike.
    expect(new Set(qualities.map((q) => q['gpt-4-1106-preview'])).size).toBeGreaterThan(1);
    expect(await controller.qualities([], 'knn')).toEqual([]);
    await expect(controller.qualities(prompts, 'mf')).rejects.toThrow(RoutingError);
    await expect(controller.qualities(prompts, 'mf')).rejects.toThrow('unknown router "mf"; loaded routers: knn (Controller.create\'s routers option loads others)');
    await expect(controller.winRates(prompts, 'knn')).rejects.toThrow(RoutingError);
    await expect(controller.winRates(prompts, 'knn')).rejects.toThrow("over a list of models, controller.qualities(prompts, 'knn') gives every model's predicted quality");
  });

  it('qualities over a pair is a RoutingError naming winRates', async () => {
    const pair = await Controller.create({ routers: ['random'], strongModel: 'big', weakModel: 'small', baseURL: upstreams[0]!.baseURL, apiKey: 'k', env: {}, logger: { info() {}, warn() {} } });
    try {
      await expect(pair.qualities(['hi'], 'random')).rejects.toThrow(RoutingError);
      await expect(pair.qualities(['hi'], 'random')).rejects.toThrow("over the pair, controller.winRates(prompts, 'random') gives the strong win rate");
      expect(await pair.winRates(['hi'], 'random')).toHaveLength(1);
    } finally {
      await pair.close();
    }
  });

  it('refuses a bad knob as an OpenAI BadRequestError', async () => {
    const error = await controller.chat.completions.create({ model: 'router-knn--2', messages: [{ role: 'user', content: 'hi' }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).message).toContain('threshold -2 is below 0');
  });

  it('fails at creation for a bad list: empty, unscored, unpriced (ConfigError)', async () => {
    await expect(Controller.create({ models: [], env: {} })).rejects.toThrow(ConfigError);
    await expect(Controller.create({ models: [], env: {} })).rejects.toThrow('models must list at least two models');
    await expect(Controller.create({ models: [...models().slice(0, 2), { name: 'gpt-4o-mini', baseUrl: upstreams[2]!.baseURL, price: { input: 1, output: 1 }, tags: [] }], env: {} })).rejects.toThrow(
      'models[2]: router "knn" does not score "gpt-4o-mini"',
    );
    await expect(Controller.create({ models: ['my-model-a', 'my-model-b'], env: {} })).rejects.toThrow('models[0] ("my-model-a") has no price');
    await expect(Controller.create({ models: models(), routers: ['difficulty'], env: {} })).rejects.toThrow('"difficulty" is not a router over a list of models; those are: knn, mf');
  });
});
