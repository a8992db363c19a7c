import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { savedTracksOf, ShareCalibrator } from '../../src/core/index.js';
import { ClusterShareHub } from '../../src/shares/cluster-share-hub.js';
import { ClusterShareState } from '../../src/shares/cluster-share-state.js';
import { channelTo } from './helpers/cluster-channel.js';
import { type ShareChannel } from '../../src/shares/share-channel.js';


const silent = { warn: () => {}, info: () => {} };
const router = { name: 'mf', fingerprint: 'weights-1' };
const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'routellm-cluster-share-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('share windows held together by serve --workers', () => {
  it('gives every worker the requests of all of them, and keeps --share-state FILE in the primary', async () => {
    const path = join(dir, 'state.json');
    const hub = new ClusterShareHub({ path, windowSize: 40, log: silent });
    await hub.start();
    const workers = [0, 1].map(() => new ShareCalibrator({ window: 40, sharing: true }));
    const stores = workers.map((calibrator) => new ClusterShareState(channelTo(hub), calibrator, { log: silent, intervalMs: 10 }));
    for (const store of stores) await store.start();
    // Worker 0 routes high win rates, worker 1 low ones: apart, each would hold 30% of its own.
    for (let index = 0; index < 15; index += 1) {
      workers[0]?.track(router, 0.3, 0.5).decide(0.9 - index * 0.001);
      workers[1]?.track(router, 0.3, 0.5).decide(0.1 + index * 0.001);
    }
    // Each worker's next syncs bring the other's requests (polled: this machine is shared and slow at times).
    const fill = (calibrator: ShareCalibrator | undefined) => calibrator?.track(router, 0.3, 0.5).window.fill ?? 0;
    while (fill(workers[0]) < 30 || fill(workers[1]) < 30) await tick(10);
    const windows = workers.map((calibrator) => calibrator.track(router, 0.3, 0.5).window.entries());
    expect(windows[0]).toHaveLength(30);
    expect(new Set(windows[0]?.map(([rate]) => rate))).toEqual(new Set(windows[1]?.map(([rate]) => rate)));
    for (const store of stores) await store.close();
    await hub.close();
    const saved = savedTracksOf(JSON.parse(await readFile(path, 'utf8')));
    expect(Array.isArray(saved) && saved[0]?.entries.length).toBe(30);

    // A restarted primary loads the file; a worker's first sync starts from it.
    const again = new ClusterShareHub({ path, windowSize: 40, log: silent });
    await again.start();
    const fresh = new ShareCalibrator({ window: 40, sharing: true });
    const store = new ClusterShareState(channelTo(again), fresh, { log: silent, intervalMs: 10 });
    await store.start();
    fresh.track(router, 0.3, 0.5).decide(0.5);
    while (fresh.track(router, 0.3, 0.5).window.fill < 31) await tick(10);
    expect(fresh.track(router, 0.3, 0.5).window.fill).toBe(31);
    // Other router weights never get that window.
    expect(fresh.track({ name: 'mf', fingerprint: 'weights-2' }, 0.3, 0.5).window.fill).toBe(0);
    await store.close();
    await again.close();
  });

  it('routes on with its own window, keeping its requests, while the primary does not answer', { timeout: 10_000 }, async () => {
    const calibrator = new ShareCalibrator({ window: 20, sharing: true });
    const warnings: string[] = [];
    const deaf: ShareChannel = { send: () => true, on: () => undefined, off: () => undefined };
    const store = new ClusterShareState(deaf, calibrator, { log: { warn: (line) => warnings.push(line), info: () => {} }, intervalMs: 10 });
    await store.start();
    for (let index = 0; index < 5; index += 1) calibrator.track(router, 0.5, 0.5).decide(index / 10);
    await tick(1100);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('the primary process did not answer a share sync');
    expect(calibrator.track(router, 0.5, 0.5).window.fill).toBe(5);
    // Nothing routed here is dropped: it goes with the next sync that is answered.
    await store.close();
    expect(calibrator.track(router, 0.5, 0.5).takeUnsent()).toHaveLength(5);
  });
});

describe('the primary under client-chosen names', () => {
  it('keeps at most maxWindows windows and budgets, the least recently synced dropped first; a dropped name starts cold', async () => {
    const path = join(dir, 'many-names.json');
    const hub = new ClusterShareHub({ path, windowSize: 40, maxWindows: 4, log: silent });
    await hub.start();
    const track = (share: number, rate: number) => ({ kind: 'pair' as const, router: 'mf', fingerprint: 'weights-1', share, capacity: 40, unsent: [[rate, rate > 0.5] as const] });
    const budget = (usdPerHour: number) => ({ kind: 'pair' as const, router: 'mf', fingerprint: 'weights-1', usdPerHour, requests: 1, usd: 0.01 });
    // A worker that keeps a live share (30%) and a live budget ($20/h) while a client sends 50 other names
    // (router-mf-0.0001%, ...; router-mf-$0.0001/h, ...): each sync carries the live names and one new one.
    let live: { windows: readonly (readonly unknown[])[]; budgets?: readonly { requests: number }[] } | undefined;
    for (let index = 1; index <= 50; index += 1) {
      live = hub.sync({ type: 'routellm:shares', id: index, tracks: [track(0.3, 0.9), track(index / 1e6, 0.1)], budgets: [budget(20), budget(index / 1e4)] });
    }
    // The live ones went on growing through the burst: every one of its 50 requests is there.
    expect(live?.windows[0]).toHaveLength(40);
    expect(live?.budgets?.[0]?.requests).toBe(50);
    await hub.close();
    const saved = savedTracksOf(JSON.parse(await readFile(path, 'utf8')));
    if (!Array.isArray(saved)) throw new Error('not a share-state file');
    expect(saved.length).toBeLessThanOrEqual(4);
    expect(saved.map((window) => window.share)).toContain(0.3);
    // The first of the burst was dropped long ago: it comes back cold, as a new name does (one request, its own).
    const again = hub.sync({ type: 'routellm:shares', id: 51, tracks: [track(1 / 1e6, 0.2)], budgets: [budget(1 / 1e4)] });
    expect(again.windows[0]).toEqual([[0.2, false]]);
    expect(again.budgets?.[0]).toEqual({ requests: 1, usd: 0.01 });
  });
});
