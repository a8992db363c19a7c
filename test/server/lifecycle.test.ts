import { describe, expect, it } from 'vitest';
import { startProxy } from '../helpers/proxy-harness.js';

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

  it('cuts requests still running after the grace period', async () => {
    const proxy = await startProxy({ reply: () => ({ kind: 'hang' }), server: { shutdownGraceMs: 50 } });
    try {
      const pending = proxy.client.chat.completions.create({ model: 'router-random-0.5', messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
      await proxy.upstream.waitForRequests(1);
      await proxy.server.close();
      expect(await pending).toBeInstanceOf(Error);
      expect(await proxy.upstream.requests[0]?.closed).toEqual({ early: true });
    } finally {
      await proxy.close();
    }
  });
});
