import { APIError } from 'openai';
import { UpstreamTimeoutError } from '../../../src/core/index.js';
import { httpErrorFor } from '../../../src/server/errors/http-error.js';
import { LightAbort } from '../../../src/upstream/light-abort.js';
import { describe, expect, it } from 'vitest';
import { PAIR, startGatewayProxy } from '../helpers/gateway-harness.js';
import { chatRecord, watchedPipeline } from '../helpers/pipeline-harness.js';

const HARD = [{ role: 'user' as const, content: 'a HARD question' }];
const MODEL = 'router-keyword-0.5';

// --timeout is left long (60 s) in each case: only --deadline can end these requests within the test's own timeout.
describe('--deadline bounds the whole request', () => {
  it('an upstream that only ever sends keep-alive comments falls back within half the deadline', async () => {
    const proxy = await startGatewayProxy({ gateway: { deadlineMs: 2000, timeoutMs: 60_000, ttfbTimeoutMs: 60_000 } });
    try {
      proxy.upstream.behave = (model) => (model === PAIR.strong ? 'comments-only' : 'ok');
      const { data, response } = await proxy.client().chat.completions.create({ model: MODEL, messages: HARD, stream: true }).withResponse();
      let text = '';
      for await (const chunk of data) text += chunk.choices[0]?.delta.content ?? '';
      expect(text).toBe(`answer from ${PAIR.weak}`);
      expect(response.headers.get('x-routellm-attempts')).toBe('2');
      expect(response.headers.get('x-routellm-fallback')).toBe(PAIR.strong);
      expect(await proxy.metric(`routellm_fallbacks_total{from="${PAIR.strong}",to="${PAIR.weak}",reason="timeout"}`)).toBe(1);
    } finally {
      await proxy.close();
    }
  }, 10_000);

  it('both models hanging: one 504 naming --deadline, not two --timeouts back to back', async () => {
    const proxy = await startGatewayProxy({ gateway: { deadlineMs: 1500, timeoutMs: 60_000 } });
    try {
      proxy.upstream.behave = () => 'hang-before-headers';
      const error = (await proxy.client().chat.completions.create({ model: MODEL, messages: HARD }).catch((caught: unknown) => caught)) as APIError;
      expect(error).toBeInstanceOf(APIError);
      expect(error.status).toBe(504);
      expect(error.message).toContain('--deadline');
      expect(error.headers?.get('x-routellm-attempts')).toBe('2');
    } finally {
      await proxy.close();
    }
  }, 10_000);

  it('the time spent queued for an upstream slot counts: a 504 naming --deadline when none comes free', async () => {
    const { pipeline } = watchedPipeline({ pair: PAIR, chat: { deadlineMs: 300, maxConcurrency: 1 } });
    // The first call's upstream never answers and ignores its signal: it holds the only slot.
    const holder = chatRecord(pipeline, 'req_hold');
    void pipeline.callUpstream(holder, PAIR.strong, new LightAbort().signal, () => new Promise(() => {}));
    const waiter = chatRecord(pipeline, 'req_wait');
    const error = await pipeline.callUpstream(waiter, PAIR.strong, new LightAbort().signal, async () => 'never called').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UpstreamTimeoutError);
    expect(httpErrorFor(error).status).toBe(504);
    expect((error as Error).message).toContain("no upstream slot came free within the request's --deadline");
    expect(pipeline.limiter.queued).toBe(0);
  });
});
