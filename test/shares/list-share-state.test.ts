import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CostShareTrack } from '../../src/core/model-list/cost-share-track.js';
import { costScale, savedTracksOf, SHARE_STATE_FORMAT, ShareCalibrator } from '../../src/core/index.js';
import { ClusterShareHub } from '../../src/shares/cluster-share-hub.js';
import { ClusterShareState } from '../../src/shares/cluster-share-state.js';
import { channelTo } from './helpers/cluster-channel.js';
import { request as httpRequest } from 'node:http';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { startCluster, workerPids } from '../helpers/serve-cluster.js';
import { startServeInProcess, type ServeInProcess } from '../helpers/serve-in-process.js';
import { writeThreeModelList } from '../helpers/three-model-list.js';
import { startUpstreamServer, type UpstreamServer } from '../helpers/upstream-server.js';

// router-knn-30% over a 3-model list: its window is saved by --share-state FILE, shared through
// Redis and between --workers, as a pair's share window is.
let upstream: UpstreamServer;
let redis: RedisServer;
let dir: string;
let config: string;
beforeAll(async () => {
  upstream = await startUpstreamServer({ record: false });
  redis = await startRedisServer();
  dir = await mkdtemp(join(tmpdir(), 'routellm-list-share-'));
  config = join(dir, 'models.yaml');
  await writeThreeModelList(config, upstream.baseURL);
});
afterAll(async () => {
  await upstream.close();
  await redis.stop();
  await rm(dir, { recursive: true, force: true });
});

const PROMPTS = Array.from({ length: 60 }, (_, i) =>
  [
    `Which of these is a prime number? A) ${i + 4} B) ${i * 2 + 9} C) 91 D) 97`,
    `Write a Python function that returns the ${i}-th Fibonacci number.`,
    `The trophy doesn't fit into the brown suitcase because the _ is too ${i % 2 ? 'large' : 'small'}. Option 1: trophy. Option 2: suitcase.`,
  ][i % 3] as string,
);

function serve(extra: readonly string[]): Promise<ServeInProcess> {
  return startServeInProcess(['--port', '0', '--config', config, '--share-window', '40', ...extra], { cwd: dir });
}

async function ask(url: string, prompt: string) {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'router-knn-30%', messages: [{ role: 'user', content: prompt }] }),
  });
  await response.arrayBuffer();
  return { status: response.status, knob: Number(response.headers.get('x-routellm-knob')) };
}

interface ShareJson {
  model: string;
  threshold: number;
  window_fill: number;
  realized_share: number | null;
}

async function shares(url: string): Promise<ShareJson[]> {
  return ((await (await fetch(`${url}/v1/routellm/stats`)).json()) as { shares: ShareJson[] }).shares;
}

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('list share windows kept beyond one process', () => {
  it('--share-state FILE saves a list window, and a restart routes its first request with it', { timeout: 60_000 }, async () => {
    const file = join(dir, 'shares.json');
    const first = await serve(['--share-state', file]);
    let live: ShareJson;
    try {
      for (const prompt of PROMPTS) expect((await ask(first.listening[1] as string, prompt)).status).toBe(200);
      [live] = (await shares(first.listening[1] as string)) as [ShareJson];
      expect(live).toMatchObject({ model: 'router-knn-30%', window_fill: 40 });
      expect(live.realized_share).toBeGreaterThan(0);
      const metrics = await (await fetch(`${first.listening[1]}/metrics`)).text();
      expect(metrics).toContain('routellm_share_window_fill{router="knn",share="30%"} 40');
    } finally {
      expect(await first.stop()).toBe(0);
    }
    const saved = JSON.parse(await readFile(file, 'utf8'));
    expect(saved).toMatchObject({ format: SHARE_STATE_FORMAT, window: 40, tracks: [], lists: [{ router: 'knn', share: 0.3 }] });
    // The router's weights, the models it scores for this list in list order, and their typical costs.
    expect(saved.lists[0].fingerprint).toMatch(/\|list:mistralai\/mistral-7b-chat,zero-one-ai\/Yi-34B-Chat,gpt-4-1106-preview\|costs:0\.00015,0\.0012,0\.025$/);
    expect(saved.lists[0].rows).toHaveLength(40);
    // [model index, step, 3 shortfalls, 3 costs on the rule's scale]
    expect(saved.lists[0].rows[0]).toHaveLength(8);

    const second = await serve(['--share-state', file]);
    try {
      const url = second.listening[1] as string;
      expect(second.log()).toContain(`share state: loaded 1 window(s) from ${file}`);
      // Shown from start-up, before any request.
      expect(await shares(url)).toEqual([expect.objectContaining({ model: 'router-knn-30%', window_fill: 40, threshold: live.threshold })]);
      // The first request is cut on the 40 saved prompts and itself: a fresh window would cut on itself alone.
      const firstKnob = (await ask(url, PROMPTS[0] as string)).knob;
      expect(firstKnob).toBeCloseTo(live.threshold, 2);
    } finally {
      expect(await second.stop()).toBe(0);
    }

    // A cold start (no state) decides its first prompt on that prompt alone: the knob that spends 30% of it.
    const cold = await serve([]);
    try {
      const knob = (await ask(cold.listening[1] as string, PROMPTS[0] as string)).knob;
      expect(Math.abs(knob - live.threshold)).toBeGreaterThan(1e-3);
    } finally {
      expect(await cold.stop()).toBe(0);
    }
  });

  it('two replicas on one Redis hold one list share: each routes with the window of both', { timeout: 60_000 }, async () => {
    const servers = await Promise.all([0, 1].map(() => serve(['--share-state', redis.url(3)])));
    try {
      for (const [index, prompt] of PROMPTS.slice(0, 30).entries()) {
        const server = servers[index % 2] as ServeInProcess;
        expect((await ask(server.listening[1] as string, prompt)).status).toBe(200);
      }
      // Each replica routed 15; after a sync both windows hold the 30.
      let windows: ShareJson[] = [];
      for (let waited = 0; waited < 5000; waited += 50) {
        windows = (await Promise.all(servers.map(async (server) => (await shares(server.listening[1] as string))[0]))) as ShareJson[];
        if (windows.every((window) => window?.window_fill === 30)) break;
        await tick(50);
      }
      expect(windows.map((window) => window.window_fill)).toEqual([30, 30]);
      expect(windows[0]?.threshold).toBe(windows[1]?.threshold);
      // A third replica started now routes from the shared window at once.
      const late = await serve(['--share-state', redis.url(3)]);
      try {
        expect(late.log()).toContain('share state: loaded 1 window(s) from Redis');
        expect(await shares(late.listening[1] as string)).toEqual([expect.objectContaining({ window_fill: 30, threshold: windows[0]?.threshold })]);
      } finally {
        expect(await late.stop()).toBe(0);
      }
    } finally {
      for (const server of servers) expect(await server.stop()).toBe(0);
    }
  });
});


describe('list share windows held together by serve --workers', () => {
  it('a real serve --workers 2 over the list: one window of both workers\' prompts, kept by the primary in --share-state FILE', { timeout: 120_000 }, async () => {
    const file = join(dir, 'workers.json');
    const cluster = await startCluster(['--workers', '2', '--port', '0', '--config', config, '--share-state', file, '--share-window', '40', '--no-probe']);
    try {
      expect(workerPids(cluster.log()).size).toBe(2);
      // A connection each (node:http without an agent), so the primary hands them round the workers.
      const post = (prompt: string) =>
        new Promise<number>((resolve, reject) => {
          const request = httpRequest(`${cluster.url}/v1/chat/completions`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } }, (response) => {
            response.resume();
            response.on('end', () => resolve(response.statusCode ?? 0));
          });
          request.on('error', reject);
          request.end(JSON.stringify({ model: 'router-knn-30%', messages: [{ role: 'user', content: prompt }] }));
        });
      for (const prompt of PROMPTS.slice(0, 24)) expect(await post(prompt)).toBe(200);
      // After a sync each worker's window holds the 24 prompts of both (stats show the fullest).
      let fill = 0;
      for (let waited = 0; waited < 5000 && fill < 24; waited += 50) {
        fill = (await shares(cluster.url))[0]?.window_fill ?? 0;
        if (fill < 24) await tick(50);
      }
      expect(fill).toBe(24);
      // The stats add up every worker's single-model bills too, not the scraped worker's alone.
      const stats = (await (await fetch(`${cluster.url}/v1/routellm/stats`)).json()) as {
        requests: number;
        strong_only_spend_usd: number;
        list: { requests: number; all_strongest_spend_usd: number; single_model_bills: Record<string, { spend_usd: number }>; best_single_model: { model: string; spend_usd: number } };
      };
      expect(stats.requests).toBe(24);
      expect(stats.list.requests).toBe(24);
      expect(stats.list.all_strongest_spend_usd).toBe(stats.strong_only_spend_usd);
      expect(stats.list.single_model_bills['frontier']?.spend_usd).toBeCloseTo(stats.strong_only_spend_usd, 9);
      expect(stats.list.best_single_model.spend_usd).toBe(stats.list.single_model_bills[stats.list.best_single_model.model]?.spend_usd);
    } finally {
      cluster.child.kill('SIGTERM');
      expect(await cluster.exited).toBe(0);
    }
    const saved = JSON.parse(await readFile(file, 'utf8'));
    expect(saved.lists).toEqual([expect.objectContaining({ router: 'knn', share: 0.3 })]);
    expect(saved.lists[0].rows).toHaveLength(24);
  });

  it('every worker gets the prompts of all of them; the primary keeps --share-state FILE with the pair windows', async () => {
    const silent = { warn: () => {}, info: () => {} };
    const path = join(dir, 'cluster.json');
    const hub = new ClusterShareHub({ path, windowSize: 40, log: silent });
    await hub.start();
    const scaled = costScale([1, 10, 100], 2);
    const router = { name: 'knn', fingerprint: 'knn-weights|list:a,b,c' };
    const workers = [0, 1].map(() => new ShareCalibrator({ window: 40, sharing: true }));
    const listTrack = (calibrator: ShareCalibrator) => calibrator.listTrack(router, 0.3, () => new CostShareTrack(router, 0.3, scaled, 40, true));
    const stores = workers.map((calibrator) => new ClusterShareState(channelTo(hub), calibrator, { log: silent, intervalMs: 10 }));
    for (const store of stores) await store.start();
    // Worker 0 sees prompts the reference wins by far, worker 1 prompts the cheapest one does as well on.
    for (let index = 0; index < 15; index += 1) {
      listTrack(workers[0] as ShareCalibrator).decide(Float64Array.of(0.6 - index * 0.001, 0.3, 0));
      listTrack(workers[1] as ShareCalibrator).decide(Float64Array.of(0.01 + index * 0.001, 0.005, 0));
      // A pair window in the same workers travels alongside.
      workers[0]?.track({ name: 'mf', fingerprint: 'mf-weights' }, 0.3, 0.5).decide(0.5);
    }
    while (workers.some((calibrator) => listTrack(calibrator).window.fill < 30)) await tick(10);
    const rows = workers.map((calibrator) => listTrack(calibrator).window.entries().map((row) => row.join(',')));
    expect(new Set(rows[0])).toEqual(new Set(rows[1]));
    expect(listTrack(workers[0] as ShareCalibrator).knob).toBe(listTrack(workers[1] as ShareCalibrator).knob);
    for (const store of stores) await store.close();
    await hub.close();
    const saved = savedTracksOf(JSON.parse(await readFile(path, 'utf8')));
    if (typeof saved === 'string') throw new Error(saved);
    expect(saved.map((track) => [track.kind, track.router, track.entries.length])).toEqual([
      ['pair', 'mf', 15],
      ['list', 'knn', 30],
    ]);

    // A restarted primary loads the file; a worker's first sync starts its list window from it.
    const again = new ClusterShareHub({ path, windowSize: 40, log: silent });
    await again.start();
    const fresh = new ShareCalibrator({ window: 40, sharing: true });
    const store = new ClusterShareState(channelTo(again), fresh, { log: silent, intervalMs: 10 });
    await store.start();
    listTrack(fresh).decide(Float64Array.of(0.2, 0.1, 0));
    while (listTrack(fresh).window.fill < 31) await tick(10);
    await store.close();
    await again.close();
  });
});

describe('a saved list window that does not fit', () => {
  it('rows of another width or with bad values are refused by the file reader or dropped by the track', () => {
    const document = (rows: unknown) => ({ format: SHARE_STATE_FORMAT, window: 4, tracks: [], lists: [{ router: 'knn', fingerprint: 'f', share: 0.3, rows }] });
    expect(savedTracksOf(document([[3, 1, 0.1, 0.2, 0, 0, 0.1, 1]]))).toBe('list window 0: row 0 has model index 3, not one of 0-2');
    expect(savedTracksOf(document([[0, 1, 0.1, 'x', 0, 0, 0.1, 1]]))).toBe('list window 0: row 0 has a shortfall that is not a number in [-1, 1]');
    expect(savedTracksOf(document([[0, 1, 0.1, 0.05, 0, 0, -0.1, 1]]))).toBe('list window 0: row 0 has a cost that is not a number >= 0');
    expect(savedTracksOf(document([[0, 1, 0.1, 0.05, 0, 0, 0.1]]))).toBe('list window 0: row 0 is not [model index, step, shortfalls..., costs...]');
    expect(savedTracksOf({ ...document([]), lists: {} })).toBe('"lists" is not a list');
    const track = new CostShareTrack({ name: 'knn', fingerprint: 'f' }, 0.3, costScale([1, 10, 100], 2), 4, false);
    // A row of a 2-model list is dropped; the 3-model one is kept.
    track.load([
      [0, 1, 0.1, 0.05, 0, 0, 0.09, 1],
      [1, 1, 0.1, 0, 0, 1],
    ]);
    expect(track.window.entries()).toEqual([[0, 1, 0.1, 0.05, 0, 0, 0.09, 1]]);
  });
});
