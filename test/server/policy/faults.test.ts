import { freePort } from '../../helpers/free-port.js';
import { APIError } from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PAIR, startGatewayProxy, type GatewayProxy } from '../helpers/gateway-harness.js';
import type { Behaviour } from '../helpers/misbehaving-upstream.js';

const HARD = [{ role: 'user' as const, content: 'a HARD question' }]; // the keyword router sends it to the strong model
const MODEL = 'router-keyword-0.5';

let proxy: GatewayProxy;
beforeAll(async () => {
  // Short clocks keep the hang cases quick; generous enough that a loaded machine does not trip them.
  proxy = await startGatewayProxy({ gateway: { ttfbTimeoutMs: 1000, timeoutMs: 3000 } });
});
afterEach(async () => {
  // Nothing leaks: every request finished, every upstream request closed, no slot held.
  await until(async () => (await proxy.metric('routellm_in_flight_requests')) === 0);
  await until(() => proxy.upstream.openRequests() === 0);
  // Only the keep-alive pool's idle sockets stay open: hung and broken requests closed theirs.
  await until(() => proxy.upstream.openSockets() <= 2);
  expect(proxy.pipeline.limiter.active).toBe(0);
  expect(proxy.server.inFlight()).toBe(0);
  proxy.upstream.behave = () => 'ok';
});
afterAll(async () => {
  await proxy.server.close();
  // Shutting the server down closes its upstream pool: no socket outlives it.
  await until(() => proxy.upstream.openSockets() === 0);
  await proxy.upstream.close();
});

/** Polls until `check` holds; the test's own timeout bounds the wait. */
async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 10));
}

const strongFails = (behaviour: Behaviour) => (model: string) => (model === PAIR.strong ? behaviour : 'ok');

describe('the routed model fails before its first byte: the other model answers', () => {
  it.each<[string, Behaviour, boolean, string]>([
    ['drops the connection', 'close-before-headers', false, 'connection'],
    ['answers 500', { status: 500 }, false, 'server_error'],
    ['answers 503', { status: 503 }, true, 'server_error'],
    ['answers 429 with retry-after', { status: 429, headers: { 'retry-after': '30' } }, false, 'rate_limited'],
    ['hangs before headers', 'hang-before-headers', false, 'timeout'],
    ['hangs before headers', 'hang-before-headers', true, 'timeout'],
    ['sends headers, then nothing', 'hang-after-headers', true, 'timeout'],
    ['sends malformed JSON', 'malformed-json', false, 'malformed'],
    ['sends malformed SSE', 'malformed-sse', true, 'malformed'],
    ['sends malformed SSE and holds the connection', 'malformed-sse-held', true, 'malformed'],
    ['opens its stream with an error event', 'error-event', true, 'server_error'],
    ['sends a keep-alive comment, then an error event', 'comment-then-error', true, 'server_error'],
    ['breaks off its JSON answer', 'truncated-json', false, 'connection'],
    ['answers a stream with plain JSON', 'json-always', true, 'malformed'],
    ['answers a plain request with a stream', 'sse-always', false, 'malformed'],
    ['refuses the gateway key (401)', { status: 401, body: { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } } }, false, 'auth'],
    ['refuses the gateway key (403)', { status: 403 }, true, 'auth'],
    ['does not know the model (404)', { status: 404 }, false, 'not_found'],
  ])('%s (stream %s)', async (_name, behaviour, stream, reason) => {
    proxy.upstream.behave = strongFails(behaviour);
    const failuresBefore = await proxy.metric(`routellm_upstream_failures_total{model="${PAIR.strong}",reason="${reason}"}`);
    const fallbacksBefore = await proxy.metric(`routellm_fallbacks_total{from="${PAIR.strong}",to="${PAIR.weak}",reason="${reason}"}`);
    const seen = proxy.upstream.requests.length;
    const client = proxy.client();
    let text = '';
    let headers: Headers;
    if (stream) {
      const { data, response } = await client.chat.completions.create({ model: MODEL, messages: HARD, stream: true }).withResponse();
      headers = response.headers;
      for await (const chunk of data) text += chunk.choices[0]?.delta.content ?? '';
    } else {
      const { data, response } = await client.chat.completions.create({ model: MODEL, messages: HARD }).withResponse();
      headers = response.headers;
      text = data.choices[0]?.message.content ?? '';
      expect(data.model).toBe(PAIR.weak);
    }
    expect(text).toBe(`answer from ${PAIR.weak}`);
    expect(headers.get('x-routellm-fallback')).toBe(PAIR.strong);
    expect(headers.get('x-routellm-attempts')).toBe('2');
    expect(headers.get('x-routellm-model')).toBe(PAIR.weak);
    if (stream) {
      expect(headers.get('cache-control')).toBe('no-cache');
      expect(headers.get('x-accel-buffering')).toBe('no');
    }
    expect(proxy.upstream.requests.slice(seen).map((request) => request.model)).toEqual([PAIR.strong, PAIR.weak]);
    expect(await proxy.metric(`routellm_upstream_failures_total{model="${PAIR.strong}",reason="${reason}"}`)).toBe(failuresBefore + 1);
    expect(await proxy.metric(`routellm_fallbacks_total{from="${PAIR.strong}",to="${PAIR.weak}",reason="${reason}"}`)).toBe(fallbacksBefore + 1);
  });
});

describe('a non-streamed answer has only --timeout: its headers come when the completion is done', () => {
  it('a completion slower than --ttfb-timeout is answered by the routed model, not cut off', async () => {
    proxy.upstream.behave = strongFails({ slowJsonMs: 1500 }); // ttfb 1000 ms, timeout 3000 ms
    const seen = proxy.upstream.requests.length;
    const { data, response } = await proxy.client().chat.completions.create({ model: MODEL, messages: HARD }).withResponse();
    expect(data.choices[0]?.message.content).toBe(`answer from ${PAIR.strong}`);
    expect(response.headers.get('x-routellm-attempts')).toBe('1');
    expect(proxy.upstream.requests.length - seen).toBe(1);
  });
});

describe('--ttfb-timeout counts only the upstream\'s silence', () => {
  it('keep-alive comments before a slow first event are not silence', async () => {
    proxy.upstream.behave = strongFails({ keepAliveMs: { everyMs: 300, forMs: 1800 } }); // --ttfb-timeout is 1000 ms here
    const seen = proxy.upstream.requests.length;
    const { data, response } = await proxy.client().chat.completions.create({ model: MODEL, messages: HARD, stream: true }).withResponse();
    let text = '';
    for await (const chunk of data) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(`answer from ${PAIR.strong}`);
    expect(response.headers.get('x-routellm-attempts')).toBe('1');
    expect(proxy.upstream.requests.length - seen).toBe(1);
  });

  it('a client that stops reading for longer than it still gets the whole stream', async () => {
    proxy.upstream.behave = strongFails({ longStreamWords: 40_000 }); // about 8 MB of events: backpressure reaches the upstream
    const response = await fetch(`${proxy.server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, messages: HARD, stream: true }),
    });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = decoder.decode((await reader.read()).value, { stream: true });
    await new Promise((resolve) => setTimeout(resolve, 1500)); // --ttfb-timeout is 1000 ms here
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    expect(text.slice(text.lastIndexOf("data: ", text.length - 20))).not.toContain("\"error\"");
    expect(text).not.toContain("\"error\"");
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(text.split('"content":"word "').length - 1).toBe(40_000);
  });
});

describe('a stream that has started is never replayed: it ends with an SSE error event', () => {
  it.each<[string, Behaviour, string]>([
    ['the upstream closes mid-stream', 'close-mid-stream', 'ended early'],
    ['the upstream goes silent mid-stream past --ttfb-timeout', 'hang-mid-stream', 'sent nothing for 1 s (--ttfb-timeout)'],
  ])('%s', async (_name, behaviour, message) => {
    proxy.upstream.behave = strongFails(behaviour);
    const seen = proxy.upstream.requests.length;
    const { data, response } = await proxy.client().chat.completions.create({ model: MODEL, messages: HARD, stream: true }).withResponse();
    expect(response.headers.get('x-routellm-attempts')).toBe('1');
    const error = await (async () => {
      for await (const _chunk of data) {
        // drain
      }
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).message).toContain(message);
    expect(proxy.upstream.requests.length - seen).toBe(1);
  });
});

describe('[DONE] ends the answer', () => {
  it('an upstream that sends [DONE] and holds its response open: the client gets the whole stream, no error, no failure counted', async () => {
    proxy.upstream.behave = strongFails('done-then-hang');
    const failures = () => proxy.metric(`routellm_upstream_failures_total{model="${PAIR.strong}",reason="timeout"}`);
    const failuresBefore = await failures();
    const response = await fetch(`${proxy.server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, messages: HARD, stream: true }),
    });
    const text = await response.text();
    expect(response.headers.get('x-routellm-attempts')).toBe('1');
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(text).not.toContain('"error"');
    const content = text
      .split('\n\n')
      .filter((event) => event.startsWith('data: {'))
      .map((event) => JSON.parse(event.slice(6)).choices[0]?.delta.content ?? '')
      .join('');
    expect(content).toBe(`answer from ${PAIR.strong}`);
    await until(async () => (await proxy.metric('routellm_in_flight_requests')) === 0);
    expect(await failures()).toBe(failuresBefore);
    const line = proxy.logLines().filter((entry) => entry['path'] === '/v1/chat/completions').at(-1);
    expect(line).toMatchObject({ status: 200, model: PAIR.strong });
    expect(line?.['error']).toBeUndefined();
  });
});

describe("an upstream's own error event mid-stream", () => {
  it('reaches the client OpenAI-shaped: all four fields, the upstream values kept', async () => {
    proxy.upstream.behave = strongFails('error-event-mid-stream');
    const response = await fetch(`${proxy.server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, messages: HARD, stream: true }),
    });
    const events = (await response.text()).split('\n\n').filter(Boolean);
    expect(events).toHaveLength(2);
    expect(JSON.parse(events[1]!.slice('data: '.length))).toEqual({ error: { message: 'mid boom', type: 'server_error', param: null, code: null } });

    const stream = await proxy.client().chat.completions.create({ model: MODEL, messages: HARD, stream: true });
    const error = await (async () => {
      for await (const _chunk of stream) {
        // drain
      }
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).error).toEqual({ message: 'mid boom', type: 'server_error', param: null, code: null });
  });
});

describe('both models fail, or fallback is off: a clear OpenAI-shaped error', () => {
  it('502 after one attempt per model when both answer 500', async () => {
    proxy.upstream.behave = () => ({ status: 500 });
    const seen = proxy.upstream.requests.length;
    const error = (await proxy.client().chat.completions.create({ model: MODEL, messages: HARD }).catch((caught: unknown) => caught)) as APIError;
    expect(error).toBeInstanceOf(APIError);
    expect(error.status).toBe(502);
    expect(error.type).toBe('server_error');
    expect(error.message).toContain(PAIR.weak);
    expect(error.headers?.get('x-routellm-attempts')).toBe('2');
    // No model answered: no x-routellm-model (it named the weak model, which had failed); the routed one that failed first.
    expect(error.headers?.get('x-routellm-model')).toBeNull();
    expect(error.headers?.get('x-routellm-fallback')).toBe(PAIR.strong);
    expect(proxy.upstream.requests.length - seen).toBe(2);
  });

  it('502 naming both attempts and their reasons when both refuse the key (401)', async () => {
    proxy.upstream.behave = () => ({ status: 401, body: { error: { message: 'invalid api key', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } } });
    const error = (await proxy.client().chat.completions.create({ model: MODEL, messages: HARD }).catch((caught: unknown) => caught)) as APIError;
    expect(error.status).toBe(502);
    // The routed (strong) model's failure first, then the fallback's: before, only the second was named.
    expect(error.message).toMatch(
      new RegExp(`^502 both models failed: model "${PAIR.strong}" refused the gateway's request \\(401: invalid api key\\).*; then, on fallback, model "${PAIR.weak}" refused the gateway's request \\(401: invalid api key\\)`),
    );
  });

  it('504 naming both models when both time out (their timeouts said "the upstream" before)', async () => {
    proxy.upstream.behave = () => 'hang-before-headers';
    const error = (await proxy.client().chat.completions.create({ model: MODEL, messages: HARD, stream: true }).catch((caught: unknown) => caught)) as APIError;
    expect(error.status).toBe(504);
    expect(error.message).toMatch(
      new RegExp(`^504 both models failed: model "${PAIR.strong}": the upstream model sent no response within 1 s \\(--ttfb-timeout\\); then, on fallback, model "${PAIR.weak}": the upstream model sent no response within 1 s`),
    );
  });

  it('429 with retry-after passed through when both are rate limited', async () => {
    proxy.upstream.behave = () => ({
      status: 429,
      headers: { 'retry-after': '7', 'x-ratelimit-remaining-requests': '0' },
      body: { error: { message: 'slow down', type: 'requests', param: null, code: 'rate_limit_exceeded' } },
    });
    const error = (await proxy.client().chat.completions.create({ model: MODEL, messages: HARD }).catch((caught: unknown) => caught)) as APIError;
    expect(error.status).toBe(429);
    expect(error.headers?.get('retry-after')).toBe('7');
    expect(error.headers?.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(error.message).toContain('slow down');
  });

  it('504 naming --ttfb-timeout when both hang before the first event of a stream', async () => {
    proxy.upstream.behave = () => 'hang-before-headers';
    const error = (await proxy.client().chat.completions.create({ model: MODEL, messages: HARD, stream: true }).catch((caught: unknown) => caught)) as APIError;
    expect(error.status).toBe(504);
    expect(error.message).toContain('--ttfb-timeout');
  });

  it('passes an upstream 400 through without trying the other model', async () => {
    proxy.upstream.behave = () => ({ status: 400, body: { error: { message: 'bad max_tokens', type: 'invalid_request_error', param: 'max_tokens', code: null } } });
    const seen = proxy.upstream.requests.length;
    const error = (await proxy.client().chat.completions.create({ model: MODEL, messages: HARD }).catch((caught: unknown) => caught)) as APIError;
    expect(error.status).toBe(400);
    expect(error.param).toBe('max_tokens');
    expect(proxy.upstream.requests.length - seen).toBe(1);
  });

  it('keeps serving after every fault', async () => {
    const data = await proxy.client().chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'easy' }] });
    expect(data.choices[0]?.message.content).toBe(`answer from ${PAIR.weak}`);
    const health = await fetch(`${proxy.server.url}/health`);
    expect(health.status).toBe(200);
  });
});

describe('--no-fallback', () => {
  it('makes one attempt and answers 502', async () => {
    const lone = await startGatewayProxy({ gateway: { fallback: false } });
    try {
      lone.upstream.behave = strongFails({ status: 500 });
      const error = (await lone.client().chat.completions.create({ model: MODEL, messages: HARD }).catch((caught: unknown) => caught)) as APIError;
      expect(error.status).toBe(502);
      expect(error.headers?.get('x-routellm-attempts')).toBe('1');
      // No fallback; the SDK's single retry (kept when fallback is off) hits the same model.
      expect(new Set(lone.upstream.requests.map((request) => request.model))).toEqual(new Set([PAIR.strong]));
    } finally {
      await lone.close();
    }
  });
});

describe('an upstream that refuses connections', () => {
  it('answers 502 after trying both models, and counts both failures', async () => {
    const port = await freePort();
    const dead = await startGatewayProxy({
      upstream: {
        baseURL: `http://127.0.0.1:${port}/v1`,
        requests: [],
        behave: () => 'ok',
        openRequests: () => 0,
        openSockets: () => 0,
        close: async () => {},
      },
    });
    try {
      const error = (await dead.client().chat.completions.create({ model: MODEL, messages: HARD }).catch((caught: unknown) => caught)) as APIError;
      expect(error.status).toBe(502);
      expect(error.message).toContain('cannot reach');
      expect(error.message).not.toContain('sk-upstream-secret');
      expect(error.headers?.get('x-routellm-attempts')).toBe('2');
      expect(await dead.metric(`routellm_upstream_failures_total{model="${PAIR.strong}",reason="connection"}`)).toBe(1);
      expect(await dead.metric(`routellm_upstream_failures_total{model="${PAIR.weak}",reason="connection"}`)).toBe(1);
      expect(await dead.metric(`routellm_requests_total{router="keyword",model="${PAIR.weak}",status="502"}`)).toBe(1);
      await until(async () => (await dead.metric('routellm_in_flight_requests')) === 0);
    } finally {
      await dead.close();
    }
  });
});

