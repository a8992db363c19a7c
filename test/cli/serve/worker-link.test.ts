import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { WorkerLink } from '../../../src/cli/serve/worker-link.js';
import type { GatewayStats } from '../../../src/server/chat/chat-pipeline.js';
import type { MetricJson } from '../../../src/server/observe/aggregate-metrics.js';

/** The worker's end of an IPC channel: what it sends is kept; the primary's messages are emitted. */
class Channel extends EventEmitter {
  readonly sent: unknown[] = [];
  send(message: unknown, callback: (error: Error | null) => void): boolean {
    this.sent.push(message);
    callback(null);
    return true;
  }
}

const metric = { name: 'routellm_requests_total', help: 'h', type: 'counter', aggregator: 'sum', values: [{ value: 3, labels: {} }] } as unknown as MetricJson;
const stats = { object: 'routellm.stats', requests: 3 } as unknown as GatewayStats;

describe('WorkerLink: a scrape under serve --workers builds only the part it answers with', () => {
  for (const part of ['metrics', 'stats'] as const) {
    it(`answers the primary's report for the ${part} with them alone, without building the other`, async () => {
      const channel = new Channel();
      const built: string[] = [];
      const link = new WorkerLink(channel, {
        metrics: async () => {
          built.push('metrics');
          return [metric];
        },
        stats: () => {
          built.push('stats');
          return stats;
        },
      });
      channel.emit('message', { type: 'routellm:report', id: 7, part });
      while (channel.sent.length === 0) await new Promise((resolve) => setImmediate(resolve));
      expect(built).toEqual([part]);
      expect(channel.sent).toEqual([part === 'metrics' ? { type: 'routellm:reported', id: 7, metrics: [metric] } : { type: 'routellm:reported', id: 7, stats }]);
      link.close();
    });
  }

  it('asks the primary for the part the endpoint answers with', async () => {
    const channel = new Channel();
    const link = new WorkerLink(channel, { metrics: async () => [], stats: () => stats });
    const text = link.metricsText();
    const merged = link.stats();
    expect(channel.sent).toEqual([
      { type: 'routellm:collect', id: 1, part: 'metrics' },
      { type: 'routellm:collect', id: 2, part: 'stats' },
    ]);
    channel.emit('message', { type: 'routellm:collected', id: 2, stats: { ...stats, workers: 2 } });
    channel.emit('message', { type: 'routellm:collected', id: 1, text: 'routellm_requests_total 3\n' });
    expect(await text).toBe('routellm_requests_total 3\n');
    expect(await merged).toEqual({ ...stats, workers: 2 });
    link.close();
  });
});
