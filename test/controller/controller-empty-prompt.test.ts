import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoutingError } from '../../src/core/index.js';
import { Controller } from '../../src/controller/controller.js';
import { startUpstreamServer, type UpstreamServer } from '../helpers/upstream-server.js';

let upstream: UpstreamServer;
let controller: Controller;
beforeAll(async () => {
  upstream = await startUpstreamServer();
  controller = await Controller.create({ routers: ['difficulty'], strongModel: 'strong-m', weakModel: 'weak-m', baseURL: upstream.baseURL, env: {}, logger: { info() {}, warn() {} } });
});
afterAll(async () => {
  await controller.close();
  await upstream.close();
});

describe('an empty prompt in-process', () => {
  it('route and decide refuse it, as `routellm route ""` does: a RoutingError, code empty_prompt, and no decision', async () => {
    for (const prompt of ['', '   \n\t']) {
      for (const call of [() => controller.route(prompt, 'difficulty', '50%'), () => controller.decide(prompt, 'difficulty', 0.5)]) {
        const error = await call().catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(RoutingError);
        expect(error).toMatchObject({ message: 'the prompt is empty: give the text to route', param: 'prompt', code: 'empty_prompt' });
      }
    }
    await expect(controller.route(undefined as unknown as string, 'difficulty', 0.5)).rejects.toThrow('the prompt must be a string, got undefined');
    // The share window did not move: a 50% share still starts from the table, no decision counted.
    expect(controller.stats().shares ?? []).toEqual([]);
  });

  it('winRates names the empty prompt among the others', async () => {
    await expect(controller.winRates(['Prove that 2 is prime.', ' '], 'difficulty')).rejects.toMatchObject({ message: 'prompts[1] is empty: give the text to route', param: 'prompts', code: 'empty_prompt' });
    await expect(controller.winRates(['Prove that 2 is prime.'], 'difficulty')).resolves.toHaveLength(1);
  });

  it('a chat request with an empty user message is forwarded, as serve forwards it: the upstream judges its messages', async () => {
    const answer = await controller.chat.completions.create({ model: 'router-difficulty-50%', messages: [{ role: 'user', content: '' }] });
    expect(answer.choices[0]?.message.content).toBe('echo: ');
    expect(upstream.requests).toHaveLength(1);
  });
});
