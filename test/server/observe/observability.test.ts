import { APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAIR, startGatewayProxy, type GatewayProxy } from '../helpers/gateway-harness.js';

let proxy: GatewayProxy;
beforeAll(async () => {
  proxy = await startGatewayProxy({
    gateway: { prices: { [PAIR.strong]: { input: 10, output: 30 }, [PAIR.weak]: { input: 1, output: 2 } } },
  });
});
afterAll(async () => {
  await proxy.close();
});

const hard = [{ role: 'user' as const, content: 'a HARD secret prompt' }];
const easy = [{ role: 'user' as const, content: 'an easy secret prompt' }];
const MODEL = 'router-keyword-0.5';

describe('usage, cost and stats', () => {
  it('counts a non-streamed answer: tokens, cost, and the strong-only counterfactual', async () => {
    const data = await proxy.client().chat.completions.create({ model: MODEL, messages: easy });
    expect(data.usage?.prompt_tokens).toBe(10);
    const stats = (await (await fetch(`${proxy.server.url}/v1/routellm/stats`)).json()) as any;
    const output = data.usage?.completion_tokens ?? 0;
    expect(stats.models[PAIR.weak]).toMatchObject({ requests: 1, input_tokens: 10, output_tokens: output });
    expect(stats.spend_usd).toBeCloseTo((10 * 1 + output * 2) / 1e6, 12);
    expect(stats.strong_only_spend_usd).toBeCloseTo((10 * 10 + output * 30) / 1e6, 12);
    expect(stats.saving_usd).toBeGreaterThan(0);
  });

  it('asks a streaming upstream for usage, counts it, and hides the usage chunk from a client that did not ask', async () => {
    const before = proxy.upstream.requests.length;
    const stream = await proxy.client().chat.completions.create({ model: MODEL, messages: hard, stream: true });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(proxy.upstream.requests[before]?.body.stream_options).toEqual({ include_usage: true });
    expect(chunks.every((chunk) => chunk.choices.length > 0)).toBe(true);
    expect(chunks.some((chunk) => chunk.usage)).toBe(false);
    const stats = (await (await fetch(`${proxy.server.url}/v1/routellm/stats`)).json()) as any;
    expect(stats.models[PAIR.strong]).toMatchObject({ requests: 1, input_tokens: 10 });
    expect(stats.models[PAIR.strong].output_tokens).toBeGreaterThan(0);
  });

  it('passes the usage chunk to a client that asked for it', async () => {
    const stream = await proxy.client().chat.completions.create({ model: MODEL, messages: easy, stream: true, stream_options: { include_usage: true } });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage?.prompt_tokens).toBe(10);
  });

  it('exposes requests, routed share, tokens, cost, latency and TTFB in /metrics', async () => {
    const response = await fetch(`${proxy.server.url}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toContain(`routellm_requests_total{router="keyword",model="${PAIR.weak}",status="200"} 2`);
    expect(text).toContain(`routellm_requests_total{router="keyword",model="${PAIR.strong}",status="200"} 1`);
    expect(text).toContain(`routellm_routed_share{model="${PAIR.weak}"} 0.6666666666666666`);
    expect(text).toContain(`routellm_tokens_total{model="${PAIR.weak}",direction="input"} 20`);
    expect(text).toMatch(new RegExp(`routellm_cost_usd_total\\{model="${PAIR.weak}"\\} [0-9.e-]+`));
    expect(text).toContain(`routellm_upstream_latency_seconds_count{model="${PAIR.strong}",outcome="ok"} 1`);
    expect(text).toContain(`routellm_upstream_ttfb_seconds_count{model="${PAIR.weak}"} 2`);
    expect(text).toContain('routellm_in_flight_requests 0'); // the /metrics scrape does not count itself
    const stats = (await (await fetch(`${proxy.server.url}/v1/routellm/stats`)).json()) as any;
    const saving = Number(/routellm_saving_usd ([0-9.e-]+)/.exec(text)?.[1]);
    expect(saving).toBeGreaterThan(0);
    expect(saving).toBeCloseTo(stats.saving_usd, 9);
  });

  it('logs one JSON line per request with the routing fields, never the prompt', () => {
    const chat = proxy.logLines().filter((line) => line['path'] === '/v1/chat/completions');
    expect(chat).toHaveLength(3);
    expect(chat[1]).toMatchObject({
      level: 30,
      status: 200,
      router: 'keyword',
      threshold: 0.5,
      strong_win_rate: 0.9,
      model: PAIR.strong,
      routed_model: PAIR.strong,
      attempts: 1,
      stream: true,
      input_tokens: 10,
    });
    expect(typeof chat[1]?.['request_id']).toBe('string');
    expect(typeof chat[1]?.['latency_ms']).toBe('number');
    expect(chat[1]?.['cost_usd']).toBeGreaterThan(0);
    expect(proxy.logText()).not.toContain('secret prompt');
  });
});

describe('--log-prompts', () => {
  it('adds the routing text to the log line', async () => {
    const logged = await startGatewayProxy({ gateway: { logPrompts: true } });
    try {
      await logged.client().chat.completions.create({ model: MODEL, messages: easy });
      expect(logged.logLines().find((line) => line['path'] === '/v1/chat/completions')?.['prompt']).toBe('an easy secret prompt');
    } finally {
      await logged.close();
    }
  });
});

describe('--max-concurrency with a bounded queue', () => {
  it('answers 429 with retry-after past the queue, and frees the slot when the client leaves', async () => {
    const tight = await startGatewayProxy({ gateway: { maxConcurrency: 1, maxQueue: 1, ttfbTimeoutMs: 60_000 } });
    try {
      tight.upstream.behave = (_model, body) => (body.messages[0].content === 'hold' ? 'hang-before-headers' : 'ok');
      const holder = new AbortController();
      const held = tight.client().chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hold' }] }, { signal: holder.signal }).catch(() => 'aborted');
      await until(() => tight.upstream.requests.length === 1);
      const queued = tight.client().chat.completions.create({ model: MODEL, messages: easy });
      await until(async () => (await tight.metric('routellm_queued_requests')) === 1);
      const refused = (await tight.client().chat.completions.create({ model: MODEL, messages: easy }).catch((caught: unknown) => caught)) as APIError;
      expect(refused.status).toBe(429);
      expect(refused.headers?.get('retry-after')).toBe('1');
      expect(refused.type).toBe('rate_limit_error');
      holder.abort();
      expect(await held).toBe('aborted');
      const answer = await queued;
      expect(answer.choices[0]?.message.content).toContain('answer from');
      await until(async () => (await tight.metric('routellm_in_flight_requests')) === 0);
      await until(() => tight.upstream.openRequests() === 0);
      expect(await tight.metric('routellm_upstream_in_flight_requests')).toBe(0);
      expect(await tight.metric('routellm_rejected_requests_total{reason="queue_full"}')).toBe(1);
      // The client that left before any answer is counted as 499, not as a success.
      expect(await tight.metric(`routellm_requests_total{router="keyword",model="${PAIR.weak}",status="499"}`)).toBe(1);
      expect(await tight.metric(`routellm_requests_total{router="keyword",model="${PAIR.weak}",status="429"}`)).toBe(1);
    } finally {
      await tight.close();
    }
  });
});

async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 10));
}
