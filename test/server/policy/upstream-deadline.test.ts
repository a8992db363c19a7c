import { describe, expect, it } from 'vitest';
import { UpstreamTimeoutError } from '../../../src/core/index.js';
import { UpstreamDeadline } from '../../../src/server/policy/upstream-deadline.js';
import type { AbortSignalLike } from '../../../src/upstream/light-abort.js';

/** Resolves when the signal aborts (the deadline's signal is a LightAbort, not an EventTarget). */
function aborted(signal: AbortSignalLike): Promise<void> {
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

describe('UpstreamDeadline', () => {
  it('aborts with an UpstreamTimeoutError naming --ttfb-timeout when the first byte is late', async () => {
    const deadline = new UpstreamDeadline({ totalMs: 60_000, ttfbMs: 20 });
    await aborted(deadline.signal);
    expect(deadline.expired).toBe('ttfb');
    expect(deadline.signal.reason).toBeInstanceOf(UpstreamTimeoutError);
    expect((deadline.signal.reason as Error).message).toContain('--ttfb-timeout');
    deadline.dispose();
  });

  it('a stream that goes silent after its first byte aborts naming --ttfb-timeout', async () => {
    const deadline = new UpstreamDeadline({ totalMs: 60_000, ttfbMs: 30 });
    deadline.firstByte();
    await aborted(deadline.signal);
    expect(deadline.expired).toBe('idle');
    expect((deadline.signal.reason as Error).message).toBe('the upstream stream sent nothing for 30 ms (--ttfb-timeout)');
  });

  it('a stream that keeps sending outlives its silence limit and runs into the total budget, counted from the start', async () => {
    const started = performance.now();
    const deadline = new UpstreamDeadline({ totalMs: 120, ttfbMs: 30 });
    deadline.firstByte();
    const pings = setInterval(() => deadline.activity(), 5);
    try {
      await aborted(deadline.signal);
    } finally {
      clearInterval(pings);
    }
    expect(deadline.expired).toBe('total');
    expect((deadline.signal.reason as Error).message).toBe('the upstream request did not finish within 120 ms (--timeout)');
    expect(performance.now() - started).toBeGreaterThanOrEqual(119);
  });

  it('bytes before the first event (keep-alive comments) keep the first-byte clock from running out', async () => {
    const deadline = new UpstreamDeadline({ totalMs: 60_000, ttfbMs: 30 });
    const pings = setInterval(() => deadline.activity(), 5);
    await new Promise((resolve) => setTimeout(resolve, 90));
    clearInterval(pings);
    expect(deadline.signal.aborted).toBe(false);
    await aborted(deadline.signal);
    expect(deadline.expired).toBe('ttfb');
  });

  it('a silence limit longer than the whole budget is the whole budget', async () => {
    const deadline = new UpstreamDeadline({ totalMs: 20, ttfbMs: 1000 });
    await aborted(deadline.signal);
    expect(deadline.expired).toBe('total');
  });

  it('while it waits on a slow client the silence clock stops, and restarts at the next read', async () => {
    const deadline = new UpstreamDeadline({ totalMs: 60_000, ttfbMs: 20 });
    deadline.firstByte();
    deadline.waitingOnClient();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(deadline.signal.aborted).toBe(false);
    deadline.activity();
    await aborted(deadline.signal);
    expect(deadline.expired).toBe('idle');
  });

  it('without a first-byte budget (a non-streamed answer) only the total clock runs', async () => {
    const started = performance.now();
    const deadline = new UpstreamDeadline({ totalMs: 60 });
    await aborted(deadline.signal);
    expect(deadline.expired).toBe('total');
    expect(performance.now() - started).toBeGreaterThanOrEqual(59);
  });

  it('with a first-byte budget no shorter than the total, the total clock runs out', async () => {
    const deadline = new UpstreamDeadline({ totalMs: 20, ttfbMs: 20 });
    await aborted(deadline.signal);
    expect(deadline.expired).toBe('total');
    expect((deadline.signal.reason as Error).message).toContain('--timeout');
  });

  it("passes the client's abort through with the client's reason", () => {
    const client = new AbortController();
    const deadline = new UpstreamDeadline({ totalMs: 60_000, ttfbMs: 60_000, parent: client.signal });
    client.abort(new Error('client left'));
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.expired).toBeUndefined();
    expect((deadline.signal.reason as Error).message).toBe('client left');
    deadline.dispose();
  });

  it('abandon aborts the attempt (so the transport closes it) without calling it a timeout', () => {
    const deadline = new UpstreamDeadline({ totalMs: 60_000, ttfbMs: 60_000 });
    deadline.abandon();
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.expired).toBeUndefined();
    expect(deadline.signal.reason).not.toBeInstanceOf(UpstreamTimeoutError);
  });

  it('never fires after dispose', async () => {
    const deadline = new UpstreamDeadline({ totalMs: 5, ttfbMs: 5 });
    deadline.dispose();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(deadline.signal.aborted).toBe(false);
  });
});
