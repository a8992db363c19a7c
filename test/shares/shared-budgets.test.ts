import { request as httpRequest } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelListRouting, seededRandom, ShareCalibrator, type ModelEntry, type ModelScorer } from '../../src/core/index.js';
import { ClusterShareHub } from '../../src/shares/cluster-share-hub.js';
import { ClusterShareState } from '../../src/shares/cluster-share-state.js';
import { parseRedisUrl, RedisShareState } from '../../src/shares/redis-share-state.js';
import type { ShareStateStore } from '../../src/shares/share-state-store.js';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { startCluster, workerPids } from '../helpers/serve-cluster.js';
import { writeThreeModelList } from '../helpers/three-model-list.js';
import { startUpstreamServer, type UpstreamServer } from '../helpers/upstream-server.js';
import { channelTo } from './helpers/cluster-channel.js';

// router-r-$2/h over three models, held by two processes at once (replicas on one Redis, workers
// through the primary): each counts every process's requests and spend, so together they spend
// the budget once, not once each. Answers are 200 tokens long (usage 10 in, 200 out), as in
// list-budget-serve.test.ts.
const PRICES: Record<string, [number, number]> = { 'local-7b': [0.1, 0.1], 'yi-34b': [0.8, 0.8], frontier: [10, 30] };
const MODELS: ModelEntry[] = Object.entries(PRICES).map(([name, [input, output]]) => ({ name, price: { input, output }, tags: [] }));
const costOf = (model: string) => (PRICES[model]![0] * 10 + PRICES[model]![1] * 200) / 1e6;
const BUDGET = 2;
const silent = { warn: () => {}, info: () => {} };
const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Random predicted qualities, the reference best on average. */
function randomScorer(seed: number): ModelScorer {
  const random = seededRandom(seed);
  return {
    name: 'r',
    fingerprint: 'r-weights',
    models: Object.keys(PRICES),
    scores: () => {
      const ref = 0.6 + random() * 0.4;
      return Float64Array.of(ref - random() * ref, ref - random() * ref * 0.5, ref);
    },
  };
}

/**
 * Two processes routing router-r-$2/h, requests dealt to them in turn, their clock the
 * simulation's: one request every 5 s for an hour, ten times that for ten minutes, then one every
 * 5 s for 50 minutes (all-strongest at the base rate: $4.4/h). `store` shares each process's
 * budget (or not: undefined); after every 15 simulated seconds the stores get a few real ms to sync.
 */
async function twoProcesses(store: (calibrator: ShareCalibrator) => ShareStateStore | undefined) {
  let clock = 0;
  const processes = [0, 1].map((index) => {
    const calibrator = new ShareCalibrator({ window: 200, now: () => clock, sharing: true });
    const routing = new ModelListRouting({ models: MODELS, scorers: new Map([['r', randomScorer(index + 1)]]), liveShares: calibrator });
    return { routing, store: store(calibrator), target: routing.resolve(`router-r-$${BUDGET}/h`) };
  });
  for (const { store: kept } of processes) await kept?.start();
  const arrivals: number[] = [];
  for (let t = 0; t < 3600_000; t += 5000) arrivals.push(t);
  for (let t = 3600_000; t < 4200_000; t += 500) arrivals.push(t);
  for (let t = 4200_000; t < 7200_000; t += 5000) arrivals.push(t);
  const spent: { at: number; usd: number }[] = [];
  let block = 0;
  for (const [index, at] of arrivals.entries()) {
    if (Math.floor(at / 15_000) > block) {
      block = Math.floor(at / 15_000);
      if (processes.some((process) => process.store)) await tick(15);
    }
    clock = at;
    const process = processes[index % 2]!;
    const decision = await process.routing.decide(process.target, 'Write a Python function that returns the n-th Fibonacci number.');
    const usd = costOf(decision.model);
    decision.budget?.spend(usd, decision.list.costs[decision.list.index]);
    spent.push({ at, usd });
  }
  for (const { store: kept } of processes) await kept?.close();
  const spend = (from: number, to: number) => spent.filter((call) => call.at >= from && call.at < to).reduce((sum, call) => sum + call.usd, 0);
  return { hourBefore: spend(0, 3600_000), spikeHour: spend(3600_000, 7200_000) };
}

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis.stop();
});

describe('a budget over a list, held by several processes together', () => {
  it('two replicas on one Redis: the hour from a 10x spike spends the budget once (each alone: about twice)', { timeout: 120_000 }, async () => {
    const alone = await twoProcesses(() => undefined);
    const shared = await twoProcesses((calibrator) => new RedisShareState(parseRedisUrl(redis.url(3)), calibrator, { log: silent, intervalMs: 5 }));
    console.log(`list budget $${BUDGET}/h over two replicas: hour before the spike $${shared.hourBefore.toFixed(2)}, hour from its start $${shared.spikeHour.toFixed(2)} with Redis; $${alone.hourBefore.toFixed(2)} and $${alone.spikeHour.toFixed(2)} each alone`);
    // As the single-process spike test holds it (test/core/model-list/list-budget-track.test.ts): within 10%.
    expect(shared.spikeHour).toBeGreaterThan(BUDGET * 0.9);
    expect(shared.spikeHour).toBeLessThan(BUDGET * 1.1);
    expect(shared.hourBefore).toBeLessThan(BUDGET * 1.1);
    expect(alone.spikeHour).toBeGreaterThan(BUDGET * 1.5);
  });

  it('two workers through the primary: the same', { timeout: 120_000 }, async () => {
    const hub = new ClusterShareHub({ windowSize: 200, log: silent });
    await hub.start();
    const shared = await twoProcesses((calibrator) => new ClusterShareState(channelTo(hub), calibrator, { log: silent, intervalMs: 5 }));
    await hub.close();
    console.log(`list budget $${BUDGET}/h over two workers: hour before the spike $${shared.hourBefore.toFixed(2)}, hour from its start $${shared.spikeHour.toFixed(2)}`);
    expect(shared.spikeHour).toBeGreaterThan(BUDGET * 0.9);
    expect(shared.spikeHour).toBeLessThan(BUDGET * 1.1);
    expect(shared.hourBefore).toBeLessThan(BUDGET * 1.1);
  });
});

describe("the pair's budget, held the same way", () => {
  it('two workers through the primary hold router-r-$18/h once on steady traffic (each alone: twice)', { timeout: 60_000 }, async () => {
    // One request a second dealt in turn, win rates at random, $0.01 a strong answer: $18/h is half the calls.
    const run = async (shared: boolean) => {
      let clock = 0;
      const hub = new ClusterShareHub({ windowSize: 200, log: silent });
      const processes = [0, 1].map((index) => {
        const calibrator = new ShareCalibrator({ now: () => clock, strongCostPrior: 0.02, sharing: true });
        return { calibrator, random: seededRandom(index + 7), store: shared ? new ClusterShareState(channelTo(hub), calibrator, { log: silent, intervalMs: 5 }) : undefined };
      });
      for (const process of processes) await process.store?.start();
      let spent = 0;
      for (let second = 0; second < 2 * 3600; second += 1) {
        if (shared && second % 15 === 0) await tick(15);
        clock = second * 1000;
        const process = processes[second % 2]!;
        const track = process.calibrator.budgetTrack({ name: 'r', fingerprint: 'r' }, 18, (share) => 1 - share);
        if (track.decide(process.random()).strong) {
          track.spend(0.01);
          if (second >= 3600) spent += 0.01;
        }
      }
      for (const process of processes) await process.store?.close();
      return spent;
    };
    const [shared, alone] = [await run(true), await run(false)];
    console.log(`pair budget $18/h over two workers: second hour $${shared.toFixed(2)} shared, $${alone.toFixed(2)} each alone`);
    // docs/shares.md: steady traffic spends within 5% of the budget.
    expect(shared).toBeGreaterThan(18 * 0.95);
    expect(shared).toBeLessThan(18 * 1.05);
    expect(alone).toBeGreaterThan(18 * 1.5);
  });
});

describe('a budget over a list in a real serve --workers 2', () => {
  let upstream: UpstreamServer;
  let dir: string;
  beforeAll(async () => {
    upstream = await startUpstreamServer({ record: false });
    dir = await mkdtemp(join(tmpdir(), 'routellm-list-budget-workers-'));
  });
  afterAll(async () => {
    await upstream.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('each worker paces the budget on every worker\'s requests', { timeout: 120_000 }, async () => {
    const config = join(dir, 'models.yaml');
    await writeThreeModelList(config, upstream.baseURL);
    const cluster = await startCluster(['--workers', '2', '--port', '0', '--config', config, '--no-probe', '--log-format', 'json']);
    try {
      expect(workerPids(cluster.log()).size).toBe(2);
      // A connection each (node:http without an agent), so the primary hands them round the workers.
      const post = () =>
        new Promise<number>((resolve, reject) => {
          const request = httpRequest(`${cluster.url}/v1/chat/completions`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } }, (response) => {
            response.resume();
            response.on('end', () => resolve(response.statusCode ?? 0));
          });
          request.on('error', reject);
          request.end(JSON.stringify({ model: 'router-knn-$5/h', messages: [{ role: 'user', content: 'Write a haiku about autumn.' }] }));
        });
      const started = performance.now();
      const sent = 40;
      for (let i = 0; i < sent; i += 1) expect(await post()).toBe(200);
      // Past a second from the first request: the stats give no rate before (BUDGET_RATE_MIN_SPAN_MS).
      await tick(1100);
      // Both workers answered some (each request's log line names its worker).
      const workersUsed = new Set(
        cluster
          .log()
          .split('\n')
          .filter((line) => line.startsWith('{') && line.includes('"path":"/v1/chat/completions"'))
          .map((line) => (JSON.parse(line) as { worker?: number }).worker),
      );
      expect(workersUsed).toEqual(new Set([1, 2]));
      const stats = (await (await fetch(`${cluster.url}/v1/routellm/stats`)).json()) as { shares: { model: string; budget?: { requests_per_hour: number } }[] };
      const seconds = (performance.now() - started) / 1000;
      const budget = stats.shares.find((share) => share.model === 'router-knn-$5/h')?.budget;
      // The rate a worker measures, times the time since the first request: the requests it counted
      // (at least: its own budget began at its first request, a little later). Alone, about half.
      const counted = ((budget?.requests_per_hour ?? 0) * seconds) / 3600;
      expect(counted).toBeGreaterThan(sent * 0.8);
    } finally {
      cluster.child.kill('SIGTERM');
      expect(await cluster.exited).toBe(0);
    }
  });
});
