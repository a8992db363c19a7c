import { describe, expect, it } from 'vitest';
import { UpstreamError, UpstreamTimeoutError } from '../../../src/core/index.js';
import { RequestError } from '../../../src/server/errors/request-error.js';
import type { ChatOptions } from '../../../src/server/options/chat-options.js';
import { chatRecord, watchedPipeline } from '../helpers/pipeline-harness.js';

const pair = { strong: 'gpt-4-1106-preview', weak: 'mistralai/Mixtral-8x7B-Instruct-v0.1' };
const decision = { router: 'random', threshold: 0.5, strongWinRate: 0.7, tier: 'strong' as const, model: pair.strong };

function makeGateway(overrides: Partial<ChatOptions> = {}) {
  const { pipeline, metrics, logLines } = watchedPipeline({ pair, chat: overrides });
  return { gateway: pipeline, metrics, lines: logLines };
}

describe('ChatPipeline', () => {
  it('records a fallback end to end: metrics, headers data, spend, a warn line with the reason, one request line, gauges back to 0', async () => {
    const { gateway, metrics, lines } = makeGateway();
    const scope = chatRecord(gateway, 'req_1');
    scope.routed(decision, 'the prompt');
    const client = new AbortController();
    const lease = await gateway.callUpstream(scope, decision.model, client.signal, async (model, context) => {
      if (model === pair.strong) throw new UpstreamError('strong down', { status: 503 });
      context.firstByte();
      return { model };
    });
    expect(lease.model).toBe(pair.weak);
    expect(lease.attempts).toBe(2);
    expect(lease.fallbackFrom).toBe(pair.strong);
    expect(gateway.limiter.active).toBe(1);
    scope.usage({ prompt_tokens: 1000, completion_tokens: 500 });
    lease.end();
    lease.end();
    scope.finish(200);
    scope.finish(200);
    expect(gateway.limiter.active).toBe(0);
    const text = await metrics.text();
    expect(text).toContain(`routellm_fallbacks_total{from="${pair.strong}",to="${pair.weak}",reason="server_error"} 1`);
    expect(text).toContain(`routellm_requests_total{router="random",model="${pair.weak}",status="200"} 1`);
    expect(text).toContain('routellm_in_flight_requests 0');
    expect(text).toContain('routellm_upstream_in_flight_requests 0');
    expect(text).toContain(`routellm_tokens_total{model="${pair.weak}",direction="input"} 1000`);
    const stats = gateway.stats();
    // Mixtral at 0.6/0.6 per M: 0.0009; strong at 10/30: 0.025.
    expect(stats.spend_usd).toBeCloseTo(0.0009, 9);
    expect(stats.strong_only_spend_usd).toBeCloseTo(0.025, 9);
    expect(stats.saving_usd).toBeCloseTo(0.0241, 9);
    expect(stats.fallbacks).toMatchObject({ server_error: 1, auth: 0 });
    const logged = lines();
    expect(logged).toHaveLength(2);
    expect(logged[0]).toMatchObject({ level: 40, request_id: 'req_1', from: pair.strong, to: pair.weak, reason: 'server_error', error: 'strong down' });
    expect(logged[0]?.['msg']).toContain('fallback');
    expect(logged[1]).toMatchObject({
      request_id: 'req_1',
      router: 'random',
      threshold: 0.5,
      strong_win_rate: 0.7,
      routed_model: pair.strong,
      model: pair.weak,
      attempts: 2,
      fallback_from: pair.strong,
      status: 200,
      input_tokens: 1000,
      output_tokens: 500,
    });
    expect(JSON.stringify(logged)).not.toContain('the prompt');
  });

  it("turns a stream's late first byte into an UpstreamTimeoutError, and tries the other model", async () => {
    const { gateway, metrics, lines } = makeGateway({ ttfbTimeoutMs: 20 });
    const scope = chatRecord(gateway, 'req_2');
    scope.routed(decision);
    scope.stream = true;
    const seen: string[] = [];
    const promise = gateway.callUpstream(scope, decision.model, new AbortController().signal, (model, context) => {
      seen.push(model);
      return new Promise((_resolve, reject) => context.signal.addEventListener('abort', () => reject(new Error('aborted by signal'))));
    });
    await expect(promise).rejects.toBeInstanceOf(UpstreamTimeoutError);
    await expect(promise).rejects.toThrow('--ttfb-timeout');
    expect(seen).toEqual([pair.strong, pair.weak]);
    scope.finish(504);
    // The log line, like the answer's headers, names the model that failed last and the routed one.
    expect(lines().at(-1)).toMatchObject({ status: 504, model: pair.weak, attempts: 2, fallback_from: pair.strong });
    expect(gateway.limiter.active).toBe(0);
    expect(await metrics.text()).toContain(`routellm_upstream_failures_total{model="${pair.weak}",reason="timeout"} 1`);
  });

  it('makes one attempt with fallback off', async () => {
    const { gateway, metrics } = makeGateway({ fallback: false });
    const scope = chatRecord(gateway, 'req_3');
    let attempts = 0;
    await expect(
      gateway.callUpstream(scope, pair.weak, new AbortController().signal, async () => {
        attempts += 1;
        throw new UpstreamError('refused');
      }),
    ).rejects.toThrow('refused');
    expect(attempts).toBe(1);
    scope.finish(502);
  });

  it('refuses past the queue with a 429 and counts it', async () => {
    const { gateway, metrics } = makeGateway({ maxConcurrency: 1, maxQueue: 0 });
    const first = chatRecord(gateway, 'a');
    const lease = await gateway.callUpstream(first, pair.weak, new AbortController().signal, async () => 'ok');
    const second = chatRecord(gateway, 'b');
    const refused = await gateway.callUpstream(second, pair.weak, new AbortController().signal, async () => 'ok').catch((error: unknown) => error);
    expect((refused as RequestError).status).toBe(429);
    second.finish(429);
    lease.end();
    first.finish(200);
    const text = await metrics.text();
    expect(text).toContain('routellm_rejected_requests_total{reason="queue_full"} 1');
    expect(text).toContain('routellm_in_flight_requests 0');
  });

  it('reports a --timeout that runs out while the body streams', async () => {
    const { gateway, metrics } = makeGateway({ timeoutMs: 30 });
    const scope = chatRecord(gateway, 'c');
    const lease = await gateway.callUpstream(scope, pair.weak, new AbortController().signal, async (_model, context) => {
      context.firstByte();
      return 'headers';
    });
    await new Promise((resolve) => lease.signal.addEventListener('abort', resolve, { once: true }));
    expect(lease.explain(new Error('socket aborted'))).toBeInstanceOf(UpstreamTimeoutError);
    lease.end('error');
    scope.finish(200);
  });
});
