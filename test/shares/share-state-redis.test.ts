import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/core/index.js';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { startServeInProcess, type ServeInProcess } from '../helpers/serve-in-process.js';
import { startUpstreamServer, type UpstreamServer } from '../helpers/upstream-server.js';
import { chatThenMath, shareBetween, sharedDatasets } from './helpers/drift-stream.js';

const datasets = sharedDatasets();
let upstream: UpstreamServer;
let redis: RedisServer;
let dir: string;
beforeAll(async () => {
  upstream = await startUpstreamServer({ record: false });
  redis = await startRedisServer();
  dir = await mkdtemp(join(tmpdir(), 'routellm-redis-'));
});
afterAll(async () => {
  await upstream.close();
  await redis.stop();
  await rm(dir, { recursive: true, force: true });
});

function replicas(db: number): Promise<ServeInProcess[]> {
  return Promise.all(
    [1, 2, 3].map(() =>
      startServeInProcess(
        ['--port', '0', '--routers', 'mf', '--base-url', upstream.baseURL, '--api-key', 'up', '--strong-model', 'big', '--weak-model', 'small', '--share-state', redis.url(db)],
        { cwd: dir },
      ),
    ),
  );
}

/**
 * The stream sent to the replicas at random, `concurrency` requests in flight, as a balancer
 * would; `during(i)` runs before request i is sent. Returns per request whether it went strong,
 * and its HTTP status.
 */
async function sendAtRandom(servers: readonly ServeInProcess[], prompts: readonly string[], during: (index: number) => Promise<void> = async () => {}, concurrency = 6) {
  const random = seededRandom(7);
  const strong: boolean[] = new Array(prompts.length).fill(false);
  const statuses: number[] = new Array(prompts.length).fill(0);
  let next = 0;
  const worker = async () => {
    while (next < prompts.length) {
      const index = next;
      next += 1;
      await during(index);
      const server = servers[Math.floor(random() * servers.length)] as ServeInProcess;
      try {
        const response = await fetch(`${server.listening[1]}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'router-mf-30%', messages: [{ role: 'user', content: prompts[index] }] }),
        });
        await response.arrayBuffer();
        statuses[index] = response.status;
        strong[index] = response.headers.get('x-routellm-model') === 'big';
      } catch {
        statuses[index] = -1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { strong, statuses };
}

async function thresholds(servers: readonly ServeInProcess[]) {
  return Promise.all(
    servers.map(async (server) => ((await (await fetch(`${server.listening[1]}/v1/routellm/stats`)).json()) as { shares: { threshold: number; window_fill: number }[] }).shares[0]),
  );
}

describe.skipIf(!datasets)('--share-state redis://: three replicas hold one share', () => {
  it('traffic split at random over three replicas: the combined share is within 30 ± 3, and the replicas route with one window', { timeout: 120_000 }, async () => {
    const servers = await replicas(1);
    try {
      const { prompts } = chatThenMath(datasets as string);
      const { strong, statuses } = await sendAtRandom(servers, prompts);
      expect(statuses.every((status) => status === 200)).toBe(true);
      const last = shareBetween(strong, strong.length - 1000, strong.length);
      const afterFirst1000 = shareBetween(strong, 1000, strong.length);
      console.log(`3 replicas, Redis: last 1000 ${(last * 100).toFixed(1)}%, after the first 1000 ${(afterFirst1000 * 100).toFixed(1)}%`);
      expect(Math.abs(last - 0.3)).toBeLessThanOrEqual(0.03);
      expect(Math.abs(afterFirst1000 - 0.3)).toBeLessThanOrEqual(0.03);
      // Once synced (every 250 ms), every replica holds the same shared window, hence the same threshold.
      await new Promise((resolve) => setTimeout(resolve, 700));
      const tracks = await thresholds(servers);
      expect(new Set(tracks.map((track) => track?.threshold)).size).toBe(1);
      expect(tracks.map((track) => track?.window_fill)).toEqual([200, 200, 200]);
    } finally {
      for (const server of servers) expect(await server.stop()).toBe(0);
    }
  });

  it('Redis killed mid-run: no request is lost, each replica warns once, routes on its own window, and resyncs when Redis is back', { timeout: 120_000 }, async () => {
    const servers = await replicas(2);
    try {
      const { prompts } = chatThenMath(datasets as string);
      const { strong, statuses } = await sendAtRandom(servers, prompts, async (index) => {
        if (index === 800) await redis.kill();
        if (index === 1400) await redis.restart();
      });
      expect(statuses.filter((status) => status !== 200)).toEqual([]);
      const last = shareBetween(strong, strong.length - 1000, strong.length);
      console.log(`3 replicas, Redis killed at 800 and back at 1400: last 1000 ${(last * 100).toFixed(1)}%`);
      expect(Math.abs(last - 0.3)).toBeLessThanOrEqual(0.03);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      for (const server of servers) {
        const log = server.log();
        expect(log.match(/share state: Redis at redis:\/\/127\.0\.0\.1:\d+\/2 is unreachable/g)).toHaveLength(1);
        expect(log).toContain('answers again; share windows resynced');
      }
      const tracks = await thresholds(servers);
      expect(new Set(tracks.map((track) => track?.threshold)).size).toBe(1);
    } finally {
      for (const server of servers) expect(await server.stop()).toBe(0);
    }
  });

  it('a replica started later reports the windows Redis holds before its first request', async () => {
    const replica = () =>
      startServeInProcess(
        ['--port', '0', '--routers', 'mf', '--base-url', upstream.baseURL, '--api-key', 'up', '--strong-model', 'big', '--weak-model', 'small', '--share-state', redis.url(5)],
        { cwd: dir },
      );
    const first = await replica();
    try {
      await sendAtRandom([first], Array.from({ length: 30 }, (_, i) => `hello number ${i}`), async () => {}, 1);
      expect((await thresholds([first]))[0]?.window_fill).toBe(30);
    } finally {
      // Shutdown sends what the last sync did not.
      expect(await first.stop()).toBe(0);
    }
    const later = await replica();
    try {
      // Before: "shares": [] until this replica's first request of that name.
      expect(await thresholds([later])).toEqual([expect.objectContaining({ window_fill: 30 })]);
      expect(later.log()).toContain('share state: loaded 1 window(s) from Redis at');
      expect(await (await fetch(`${later.listening[1]}/metrics`)).text()).toContain('routellm_share_window_fill{router="mf",share="30%"} 30');
    } finally {
      expect(await later.stop()).toBe(0);
    }
  });

  it('Redis down at start-up: serve starts, warns once and routes on its own window', async () => {
    const down = await startRedisServer();
    await down.stop();
    const server = await startServeInProcess(
      ['--port', '0', '--routers', 'mf', '--base-url', upstream.baseURL, '--api-key', 'up', '--strong-model', 'big', '--weak-model', 'small', '--share-state', down.url(0)],
      { cwd: dir },
    );
    try {
      const response = await fetch(`${server.listening[1]}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'router-mf-30%', messages: [{ role: 'user', content: 'hello' }] }),
      });
      expect(response.status).toBe(200);
      expect(server.log().match(/is unreachable \(ECONNREFUSED\)/g)).toHaveLength(1);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});
