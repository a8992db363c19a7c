import { connect } from 'node:net';
import { APIError } from 'openai';
import { describe, expect, it } from 'vitest';
import { startGatewayProxy } from '../helpers/gateway-harness.js';
import { startProxy } from '../../helpers/proxy-harness.js';
import type { UpstreamReply } from '../../helpers/upstream-server.js';

describe('client disconnects', () => {
  it('aborts the upstream request when the client hangs up before the answer', async () => {
    const proxy = await startProxy({ reply: () => ({ kind: 'hang' }) });
    try {
      const abort = new AbortController();
      const pending = proxy.client.chat.completions
        .create({ model: 'router-random-0.5', messages: [{ role: 'user', content: 'x' }] }, { signal: abort.signal })
        .catch((e) => e);
      await proxy.upstream.waitForRequests(1);
      abort.abort();
      await pending;
      // The upstream sees its socket close before it ever answered.
      expect(await proxy.upstream.requests[0]?.closed).toEqual({ early: true });
      await expect.poll(() => proxy.server.inFlight()).toBe(0);
    } finally {
      await proxy.close();
    }
  });

  it('aborts the upstream stream when the client hangs up mid-stream', async () => {
    const proxy = await startProxy({ reply: () => ({ kind: 'stall-stream', events: 2 }) });
    try {
      const abort = new AbortController();
      const stream = await proxy.client.chat.completions.create(
        { model: 'router-random-0.5', messages: [{ role: 'user', content: 'x' }], stream: true },
        { signal: abort.signal },
      );
      const received: unknown[] = [];
      await (async () => {
        for await (const chunk of stream) {
          received.push(chunk);
          if (received.length === 2) abort.abort();
        }
      })().catch(() => {});
      expect(received.length).toBe(2);
      expect(await proxy.upstream.requests[0]?.closed).toEqual({ early: true });
    } finally {
      await proxy.close();
    }
  });
});

describe('graceful shutdown', () => {
  it('finishes an in-flight stream, refuses new connections, then closes', async () => {
    const proxy = await startProxy({ reply: () => ({ kind: 'stream', content: 'slow words arrive one by one', delayMs: 30 }) });
    try {
      const stream = await proxy.client.chat.completions.create({ model: 'router-random-0.5', messages: [{ role: 'user', content: 'x' }], stream: true });
      let closing: Promise<void> | undefined;
      let text = '';
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        if (!closing) {
          closing = proxy.server.close();
          // New connections are refused while the in-flight stream goes on.
          const refused = await fetch(`${proxy.server.url}/health`).then(
            () => false,
            () => true,
          );
          expect(refused).toBe(true);
        }
      }
      expect(text).toBe('slow words arrive one by one');
      await closing;
      expect(proxy.server.inFlight()).toBe(0);
    } finally {
      await proxy.close();
    }
  });

});

const SHUTDOWN_ERROR = {
  message: expect.stringContaining('shutting down'),
  type: 'server_error',
  param: null,
  code: 'server_shutting_down',
};

/** Posts a chat request with fetch, so a test sees the exact bytes the proxy sends. */
function postChat(url: string, body: Record<string, unknown>): Promise<Response> {
  return fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ messages: [{ role: 'user', content: 'x' }], ...body }),
  });
}

/** A stream the shutdown cut: the events so far, then exactly one OpenAI-shaped error event, no [DONE]. */
function expectCutStream(text: string): void {
  const events = text.split('\n\n').filter(Boolean);
  const last = events.at(-1) ?? '';
  expect(last.startsWith('data: ')).toBe(true);
  expect(JSON.parse(last.slice('data: '.length))).toEqual({ error: SHUTDOWN_ERROR });
  expect(events.filter((event) => event.includes('"error"'))).toHaveLength(1);
  expect(text).not.toContain('[DONE]');
  expect(text.endsWith('\n\n')).toBe(true);
}

describe('shutdown after the grace period (bare proxy)', () => {
  it('answers a request not yet answered with an OpenAI-shaped 503 and aborts its upstream call', async () => {
    const proxy = await startProxy({ reply: () => ({ kind: 'hang' }), server: { shutdownGraceMs: 50 } });
    try {
      const pending = proxy.client.chat.completions.create({ model: 'router-random-0.5', messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
      await proxy.upstream.waitForRequests(1);
      await proxy.server.close();
      const error = await pending;
      expect(error).toBeInstanceOf(APIError);
      expect(error.status).toBe(503);
      expect(error.error).toEqual(SHUTDOWN_ERROR);
      expect(await proxy.upstream.requests[0]?.closed).toEqual({ early: true });
    } finally {
      await proxy.close();
    }
  });

  it.each<[string, UpstreamReply]>([
    ['stalled', { kind: 'stall-stream', events: 2 }],
    ['still flowing', { kind: 'stream', content: 'word '.repeat(200), delayMs: 2 }],
  ])('ends a started stream (%s upstream) with one SSE error event and aborts its upstream call', async (_name, reply) => {
    const proxy = await startProxy({ reply: () => reply, server: { shutdownGraceMs: 50 } });
    try {
      const response = await postChat(proxy.server.url, { model: 'router-random-0.5', stream: true });
      expect(response.status).toBe(200);
      const text = response.text();
      await proxy.server.close();
      expectCutStream(await text);
      expect(await proxy.upstream.requests[0]?.closed).toEqual({ early: true });
    } finally {
      await proxy.close();
    }
  });
});

describe('shutdown after the grace period (gateway)', () => {
  it('answers 503 through the official client, logs 503 (not 499) and aborts the upstream call', async () => {
    const proxy = await startGatewayProxy({ shutdownGraceMs: 50 });
    proxy.upstream.behave = () => 'hang-before-headers';
    try {
      const pending = proxy
        .client()
        .chat.completions.create({ model: 'router-keyword-0.5', messages: [{ role: 'user', content: 'x' }] })
        .catch((e) => e);
      await expect.poll(() => proxy.upstream.openRequests()).toBe(1);
      await proxy.server.close();
      const error = await pending;
      expect(error).toBeInstanceOf(APIError);
      expect(error.status).toBe(503);
      expect(error.error).toEqual(SHUTDOWN_ERROR);
      const line = proxy.logLines().find((entry) => entry.path === '/v1/chat/completions');
      expect(line).toMatchObject({ status: 503, error: expect.stringContaining('shutting down') });
      await expect.poll(() => proxy.upstream.openRequests()).toBe(0);
    } finally {
      await proxy.close();
    }
  });

  it('ends a started stream with one SSE error event the official client throws, and logs 503', async () => {
    const proxy = await startGatewayProxy({ shutdownGraceMs: 50 });
    proxy.upstream.behave = () => 'hang-mid-stream';
    try {
      const raw = await postChat(proxy.server.url, { model: 'router-keyword-0.5', stream: true });
      const rawText = raw.text();
      const stream = await proxy.client().chat.completions.create({ model: 'router-keyword-0.5', messages: [{ role: 'user', content: 'x' }], stream: true });
      const chunks: unknown[] = [];
      const consumed = (async () => {
        for await (const chunk of stream) chunks.push(chunk);
      })().catch((e) => e);
      await expect.poll(() => proxy.upstream.openRequests()).toBe(2);
      await proxy.server.close();
      expectCutStream(await rawText);
      const error = await consumed;
      expect(error).toBeInstanceOf(APIError);
      expect(error.error).toEqual(SHUTDOWN_ERROR);
      const lines = proxy.logLines().filter((entry) => entry.path === '/v1/chat/completions');
      expect(lines).toHaveLength(2);
      for (const line of lines) expect(line).toMatchObject({ status: 503, stream: true, error: expect.stringContaining('shutting down') });
      await expect.poll(() => proxy.upstream.openRequests()).toBe(0);
    } finally {
      await proxy.close();
    }
  });
});

describe('/health while shutting down', () => {
  it('refuses new connections; a request on a connection busy when shutdown began is answered, /health with 503 shutting_down', async () => {
    const proxy = await startGatewayProxy({ shutdownGraceMs: 2000 });
    proxy.upstream.behave = () => ({ slowJsonMs: 300 });
    try {
      const socket = connect(Number(new URL(proxy.server.url).port), '127.0.0.1');
      let reply = '';
      socket.on('data', (chunk: Buffer) => (reply += chunk.toString()));
      const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
      const body = JSON.stringify({ model: 'router-keyword-0.5', messages: [{ role: 'user', content: 'x' }] });
      socket.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      await expect.poll(() => proxy.upstream.openRequests()).toBe(1);
      const closing = proxy.server.close();
      // The listener is closed: a probe on a new connection is refused, not answered 503.
      expect(await fetch(`${proxy.server.url}/health`).catch((error: Error) => (error.cause as NodeJS.ErrnoException)?.code)).toBe('ECONNREFUSED');
      // The connection already open still takes a request (pipelined behind the one in flight).
      socket.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
      await closing;
      await closed;
      const answers = reply.split(/(?=HTTP\/1\.1 )/);
      expect(answers).toHaveLength(2);
      expect(answers[0]).toMatch(/^HTTP\/1\.1 200 /);
      expect(answers[1]).toMatch(/^HTTP\/1\.1 503 /);
      expect(answers[1]?.toLowerCase()).toContain('connection: close');
      expect(answers[1]).toContain('"status":"shutting_down"');
    } finally {
      await proxy.close();
    }
  });
});
