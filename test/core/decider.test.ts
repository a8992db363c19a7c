import { describe, expect, it } from 'vitest';
import { Decider, RoutingError, type Router } from '../../src/core/index.js';

const pair = { strong: 'big', weak: 'small' };

function fixedRouter(name: string, rate: number): Router {
  return { name, fingerprint: `${name}:${rate}`, strongWinRate: () => rate };
}

function controllerWith(...routers: Router[]) {
  return new Decider({ pair, routers: new Map(routers.map((router) => [router.name, router])) });
}

describe('Decider', () => {
  it('routes to the strong model when the win rate reaches the threshold, as RouteLLM', async () => {
    const controller = controllerWith(fixedRouter('fixed', 0.4));
    expect((await controller.routeChat({ model: 'router-fixed-0.4', messages: [{ role: 'user', content: 'x' }] })).decision.model).toBe('big');
    expect((await controller.routeChat({ model: 'router-fixed-0.41', messages: [{ role: 'user', content: 'x' }] })).decision.model).toBe('small');
    expect((await controller.routeChat({ model: 'router-fixed-0', messages: [{ role: 'user', content: 'x' }] })).decision.tier).toBe('strong');
  });

  it('forwards every field but model untouched', async () => {
    const controller = controllerWith(fixedRouter('fixed', 0.9));
    const body = {
      model: 'router-fixed-0.5',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'hi' },
      ],
      temperature: 0.2,
      tools: [{ type: 'function', function: { name: 'f', parameters: {} } }],
      stream: true,
    };
    const { forward, decision } = await controller.routeChat(body);
    expect(forward).toEqual({ ...body, model: 'big' });
    expect(forward.messages).toBe(body.messages);
    expect(decision).toEqual({ router: 'fixed', threshold: 0.5, strongWinRate: 0.9, tier: 'strong', model: 'big' });
  });

  it('scores the last message, and only the text parts of multimodal content', async () => {
    const seen: string[] = [];
    const recorder: Router = { name: 'rec', fingerprint: 'rec', strongWinRate: (prompt) => (seen.push(prompt), 0.5) };
    const controller = controllerWith(recorder);
    await controller.routeChat({
      model: 'router-rec-0.5',
      messages: [
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'reply' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'describe' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
            { type: 'text', text: 'this image' },
          ],
        },
      ],
    });
    expect(seen).toEqual(['describe\nthis image']);
  });

  it('names the available routers when a request asks for an unknown one', async () => {
    const controller = controllerWith(fixedRouter('a', 0.1), fixedRouter('b', 0.2));
    await expect(controller.routeChat({ model: 'router-zzz-0.5', messages: [{ role: 'user', content: 'x' }] })).rejects.toThrow(
      'unknown router "zzz"; this server has: a, b',
    );
  });

  it.each([
    [undefined, 'missing required parameter: messages'],
    ['hello', 'messages must be an array'],
    [[], 'at least one message'],
    [[null], 'messages[0] must be an object'],
    [[{ content: 'x' }], 'messages[0].role must be a string'],
    [[{ role: 'user', content: 42 }], 'content must be a string or an array'],
    [[{ role: 'user', content: ['x'] }], 'content[0] must be an object'],
  ])('rejects messages %j', async (messages, message) => {
    const controller = controllerWith(fixedRouter('fixed', 0.5));
    await expect(controller.routeChat({ model: 'router-fixed-0.5', messages })).rejects.toThrow(message);
    await expect(controller.routeChat({ model: 'router-fixed-0.5', messages })).rejects.toBeInstanceOf(RoutingError);
  });

  it('refuses a router that returns a win rate outside [0, 1]', async () => {
    const controller = controllerWith(fixedRouter('broken', Number.NaN));
    await expect(controller.routeChat({ model: 'router-broken-0.5', messages: [{ role: 'user', content: 'x' }] })).rejects.toThrow(
      'invalid win rate NaN',
    );
  });

  it('turns a strong-call share into a threshold through the calibration resolver', async () => {
    const controller = new Decider({
      pair,
      routers: new Map([['fixed', fixedRouter('fixed', 0.3)]]),
      resolveShare: (router, share) => (router === 'fixed' ? 1 - share : undefined),
    });
    expect(controller.resolveModel('router-fixed-80%').threshold).toBeCloseTo(0.2);
    expect(() => controllerWith(fixedRouter('fixed', 0.3)).resolveModel('router-fixed-80%')).toThrow('no calibration table');
  });

  it('passes each numeric threshold to the advisor once per router, and says its advice once', async () => {
    const asked: string[] = [];
    const said: string[] = [];
    const controller = new Decider({
      pair,
      routers: new Map([fixedRouter('a', 0.1), fixedRouter('b', 0.1)].map((router) => [router.name, router])),
      adviseThreshold: (router, threshold) => {
        asked.push(`${router} ${threshold}`);
        return threshold > 0.5 ? `${router} at ${threshold} sends nothing strong` : undefined;
      },
      onThresholdAdvice: (line) => said.push(line),
    });
    for (const model of ['router-a-0.9', 'router-a-0.9', 'router-a-0.2', 'router-b-0.9', 'router-a-0.9']) controller.resolveModel(model);
    expect(asked).toEqual(['a 0.9', 'a 0.2', 'b 0.9']);
    expect(said).toEqual(['a at 0.9 sends nothing strong', 'b at 0.9 sends nothing strong']);
    // A client sending endless thresholds cannot grow what is remembered without bound.
    for (let i = 0; i < 5000; i += 1) controller.resolveModel(`router-a-${(i / 10_000).toFixed(4)}`);
    expect(asked.length).toBeLessThanOrEqual(1024);
  });
});
