import { APIError } from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PAIR, startGatewayProxy, type GatewayProxy } from '../helpers/gateway-harness.js';
import type { Behaviour } from '../helpers/misbehaving-upstream.js';

// How a stream that started (200 sent) and then failed is logged and counted: the client's
// close is 499; an upstream failure keeps 200, carries `error`, logs at warn, and is counted.
const HARD = [{ role: 'user' as const, content: 'a HARD question' }]; // the keyword router sends it to the strong model
const MODEL = 'router-keyword-0.5';

let proxy: GatewayProxy;
beforeAll(async () => {
  proxy = await startGatewayProxy({
    gateway: { ttfbTimeoutMs: 500, timeoutMs: 5000, prices: { [PAIR.strong]: { input: 10, output: 30 }, [PAIR.weak]: { input: 1, output: 2 } } },
  });
});
afterEach(async () => {
  await expect.poll(() => proxy.server.inFlight()).toBe(0);
  await expect.poll(() => proxy.upstream.openRequests()).toBe(0);
  proxy.upstream.behave = () => 'ok';
});
afterAll(async () => {
  await proxy.close();
});

const strongDoes = (behaviour: Behaviour) => (model: string) => (model === PAIR.strong ? behaviour : 'ok');

/** The log line of the chat request made after `seen` lines, once it is written. */
async function chatLine(seen: number): Promise<Record<string, any>> {
  const find = () => proxy.logLines().slice(seen).find((line) => line['path'] === '/v1/chat/completions');
  await expect.poll(find).toBeDefined();
  return find() as Record<string, any>;
}

/** Reads a stream to its end; resolves with what it threw, if anything. */
async function drain(stream: AsyncIterable<unknown>): Promise<unknown> {
  try {
    for await (const _chunk of stream) {
      // drain
    }
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('a client that closes a stream mid-way', () => {
  it('is logged and counted as 499, not 200, and its unknown usage is not counted as free', async () => {
    proxy.upstream.behave = strongDoes('hang-mid-stream');
    const seen = proxy.logLines().length;
    const status = (code: number) => `routellm_requests_total{router="keyword",model="${PAIR.strong}",status="${code}"}`;
    const failures = (text: string) => (text.match(/routellm_upstream_failures_total\{model="strong-model"[^}]*\} (\d+)/g) ?? []).join();
    const statsNow = async () => (await (await fetch(`${proxy.server.url}/v1/routellm/stats`)).json()) as any;
    const unknownSeries = `routellm_usage_unknown_requests_total{model="${PAIR.strong}"}`;
    const statsBefore = await statsNow();
    const before = {
      ok: await proxy.metric(status(200)),
      closed: await proxy.metric(status(499)),
      failures: failures(await proxy.metrics()),
      unknown: await proxy.metric(unknownSeries),
    };
    const abort = new AbortController();
    const stream = await proxy.client().chat.completions.create({ model: MODEL, messages: HARD, stream: true }, { signal: abort.signal });
    let chunks = 0;
    await (async () => {
      for await (const _chunk of stream) {
        chunks += 1;
        abort.abort();
      }
    })().catch(() => {});
    expect(chunks).toBeGreaterThanOrEqual(1); // both events may arrive in one read

    const line = await chatLine(seen);
    expect(line).toMatchObject({ status: 499, level: 40, model: PAIR.strong, stream: true });
    expect(await proxy.metric(status(499))).toBe(before.closed + 1);
    expect(await proxy.metric(status(200))).toBe(before.ok);
    // The client left: that is no failure of the upstream.
    expect(failures(await proxy.metrics())).toBe(before.failures);
    const stats = await statsNow();
    const strongBefore = statsBefore.models?.[PAIR.strong] ?? { requests: 0, usage_unknown_requests: 0 };
    expect(stats.usage_unknown_requests).toBe((statsBefore.usage_unknown_requests ?? 0) + 1);
    expect(stats.models[PAIR.strong]).toMatchObject({ requests: strongBefore.requests + 1, usage_unknown_requests: strongBefore.usage_unknown_requests + 1 });
    expect(await proxy.metric(unknownSeries)).toBe(before.unknown + 1);
  });
});

describe('an upstream that fails a stream after its first event', () => {
  it.each<[string, Behaviour, string, string]>([
    ["sends its own error event", 'error-event-mid-stream', 'server_error', `model "${PAIR.strong}" sent an error event mid-stream (server_error)`],
    ['goes silent past --ttfb-timeout', 'hang-mid-stream', 'timeout', 'the upstream stream sent nothing for 500 ms (--ttfb-timeout)'],
    ['drops the connection', 'close-mid-stream', 'connection', 'ended early'],
  ])('%s: the client gets the error event; the log line keeps 200 with the error at warn, and the failure is counted', async (_name, behaviour, reason, logged) => {
    proxy.upstream.behave = strongDoes(behaviour);
    const seen = proxy.logLines().length;
    const failures = `routellm_upstream_failures_total{model="${PAIR.strong}",reason="${reason}"}`;
    const before = await proxy.metric(failures);
    const stream = await proxy.client().chat.completions.create({ model: MODEL, messages: HARD, stream: true });
    expect(await drain(stream)).toBeInstanceOf(APIError);

    const line = await chatLine(seen);
    expect(line).toMatchObject({ status: 200, level: 40, model: PAIR.strong });
    expect(line['error']).toContain(logged);
    expect(await proxy.metric(failures)).toBe(before + 1);
    // No fallback: the stream had started.
    expect(await proxy.metric(`routellm_fallbacks_total{from="${PAIR.strong}",to="${PAIR.weak}",reason="${reason}"}`)).toBe(0);
  });

  it("keeps the upstream's own words of a mid-stream error event out of the log", async () => {
    proxy.upstream.behave = strongDoes('error-event-mid-stream'); // its message is "mid boom"
    const seen = proxy.logLines().length;
    const stream = await proxy.client().chat.completions.create({ model: MODEL, messages: HARD, stream: true });
    const error = (await drain(stream)) as APIError;
    expect(error.message).toContain('mid boom'); // the client still gets it
    const line = await chatLine(seen);
    expect(JSON.stringify(line)).not.toContain('mid boom');
  });

  it('a healthy stream stays at info with no error', async () => {
    const seen = proxy.logLines().length;
    await drain(await proxy.client().chat.completions.create({ model: MODEL, messages: HARD, stream: true }));
    const line = await chatLine(seen);
    expect(line).toMatchObject({ status: 200, level: 30 });
    expect(line['error']).toBeUndefined();
  });
});
