import { describe, expect, it } from 'vitest';
import { RateGate, type GatePause } from '../../src/label/rate-gate.js';

/** A gate on a clock the test moves. */
function gateAt(maxConcurrency: number) {
  const clock = { now: 1_000_000 };
  const pauses: GatePause[] = [];
  const gate = new RateGate({ maxConcurrency, now: () => clock.now, onPause: (pause) => pauses.push(pause) });
  return { gate, clock, pauses };
}

describe('RateGate', () => {
  it("pauses for a 429's retry-after and halves the prompts in flight once per episode", () => {
    const { gate, clock, pauses } = gateAt(8);
    gate.failed('rate-limited', 2000);
    expect(gate.limit).toBe(4);
    expect(gate.pausedUntil).toBe(clock.now + 2000);
    // The other calls in flight hit the same limit: same episode, no second halving.
    gate.failed('rate-limited', 1500);
    gate.failed('rate-limited', undefined);
    expect(gate.limit).toBe(4);
    expect(gate.pausedUntil).toBe(clock.now + 2000);
    expect(pauses).toEqual([{ ms: 2000, reason: 'rate-limited', fromRetryAfter: true, limit: 4 }]);
    // A longer retry-after extends the pause.
    gate.failed('rate-limited', 5000);
    expect(gate.pausedUntil).toBe(clock.now + 5000);
    clock.now += 5000;
    expect(gate.pausedUntil).toBe(0);
    gate.failed('rate-limited', undefined);
    expect(gate.limit).toBe(2);
  });

  it('without retry-after backs off 1 s, doubling per failure in a row up to 60 s, and resets on success', () => {
    const { gate, clock, pauses } = gateAt(4);
    for (let i = 0; i < 8; i++) {
      gate.failed('overloaded', undefined);
      clock.now = gate.pausedUntil;
    }
    expect(pauses.map((p) => p.ms)).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
    expect(gate.limit).toBe(4); // 5xx pause, but do not shrink the limit
    gate.succeeded();
    gate.failed('overloaded', undefined);
    expect(pauses.at(-1)!.ms).toBe(1000);
  });

  it('raises the limit by one after as many successes in a row as the limit, up to --concurrency', () => {
    const { gate } = gateAt(8);
    gate.failed('rate-limited', 10);
    expect(gate.limit).toBe(4);
    for (let i = 0; i < 4; i++) gate.succeeded();
    expect(gate.limit).toBe(5);
    for (let i = 0; i < 100; i++) gate.succeeded();
    expect(gate.limit).toBe(8);
  });

  it('enter waits for a free slot; ready waits out a pause; both give up when the signal aborts', async () => {
    const gate = new RateGate({ maxConcurrency: 1 });
    const stop = new AbortController();
    expect(await gate.enter(stop.signal)).toBe(true);
    let second: boolean | undefined;
    const waiting = gate.enter(stop.signal).then((entered) => (second = entered));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(second).toBeUndefined();
    gate.leave();
    await waiting;
    expect(second).toBe(true);
    const third = gate.enter(stop.signal);
    gate.failed('overloaded', 60_000);
    const ready = gate.ready(stop.signal);
    stop.abort();
    expect(await third).toBe(false);
    expect(await ready).toBe(false);
    expect(gate.active).toBe(1);
  });
});
