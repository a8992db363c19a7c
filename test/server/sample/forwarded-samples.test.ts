import { describe, expect, it } from 'vitest';
import { ForwardedSamples, isSampleLinesMessage, type SampleChannel } from '../../../src/server/sample/forwarded-samples.js';

/** A channel that records what it is sent, or refuses it as a closed IPC channel does (through the callback). */
function channel(closed = false): SampleChannel & { readonly sent: unknown[] } {
  const sent: unknown[] = [];
  return {
    sent,
    send(message, callback) {
      if (closed) {
        queueMicrotask(() => callback(new Error('Channel closed')));
        return false;
      }
      sent.push(message);
      queueMicrotask(() => callback(null));
      return true;
    },
  };
}

describe('ForwardedSamples (a worker sends its sampled lines to the primary)', () => {
  it('sends queued lines as one message on flush, in order, and nothing when none are queued', async () => {
    const to = channel();
    const samples = new ForwardedSamples(to);
    samples.push('a\n');
    samples.push('b\n');
    expect(samples.queued).toBe(2);
    await samples.flush();
    await samples.flush();
    expect(to.sent).toEqual([{ type: 'routellm:samples', lines: ['a\n', 'b\n'] }]);
    expect(isSampleLinesMessage(to.sent[0])).toBe(true);
    expect(samples.queued).toBe(0);
  });

  it('drops lines past its byte bound, counted, and counts lines a closed channel refused as write errors', async () => {
    const to = channel(true);
    const samples = new ForwardedSamples(to, { queueBytes: 10 });
    for (const line of ['12345\n', '12345\n', '1\n']) samples.push(line);
    expect(samples.counts()).toEqual({ written: 0, droppedQueueFull: 1, droppedWriteError: 0, rotations: 0 });
    await samples.close();
    expect(samples.counts()).toEqual({ written: 0, droppedQueueFull: 1, droppedWriteError: 2, rotations: 0 });
    samples.push('late\n');
    expect(samples.queued).toBe(0);
  });

  it('sends on its own within a batch interval', async () => {
    const to = channel();
    const samples = new ForwardedSamples(to);
    samples.push('x\n');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(to.sent).toHaveLength(1);
  });
});
