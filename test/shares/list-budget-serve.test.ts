import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { LISTENING } from '../helpers/serve-in-process.js';
import { writeThreeModelList } from '../helpers/three-model-list.js';
import { startUpstreamServer, type UpstreamServer } from '../helpers/upstream-server.js';

// router-knn-$2/h over a 3-model list, in a real serve whose clock the test drives (CliIo.now),
// against a local upstream whose answers are 200 words long (usage: 10 tokens in, 200 out).
const PRICES: Record<string, [number, number]> = { 'local-7b': [0.1, 0.1], 'yi-34b': [0.8, 0.8], frontier: [10, 30] };
const costOf = (model: string) => ((PRICES[model]![0] * 10) + PRICES[model]![1] * 200) / 1e6;

let upstream: UpstreamServer;
let dir: string;
let config: string;
beforeAll(async () => {
  upstream = await startUpstreamServer({ record: false, reply: () => ({ kind: 'json', content: Array.from({ length: 200 }, () => 'word').join(' ') }) });
  dir = await mkdtemp(join(tmpdir(), 'routellm-list-budget-'));
  config = join(dir, 'models.yaml');
  await writeThreeModelList(config, upstream.baseURL);
});
afterAll(async () => {
  await upstream.close();
  await rm(dir, { recursive: true, force: true });
});

const PROMPTS = Array.from({ length: 90 }, (_, i) =>
  [
    `Which of these is a prime number? A) ${i + 4} B) ${i * 2 + 9} C) 91 D) 97`,
    `Write a Python function that returns the ${i}-th Fibonacci number, and explain its complexity.`,
    `The trophy doesn't fit into the brown suitcase because the _ is too ${i % 2 ? 'large' : 'small'}. Option 1: trophy. Option 2: suitcase.`,
  ][i % 3] as string,
);

/** A real serve over the three-model list whose clock the test drives (CliIo.now). */
async function serveWithClock(now: () => number): Promise<{ url: string; stop: () => Promise<number> }> {
  const abort = new AbortController();
  const stderr = new PassThrough();
  let log = '';
  const listening = new Promise<RegExpExecArray>((resolve) =>
    stderr.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      const match = LISTENING.exec(log);
      if (match) resolve(match);
    }),
  );
  const exit = runCli(['serve', '--port', '0', '--config', config, '--no-probe', '--log-format', 'json'], {
    stdin: new PassThrough(),
    stdout: new PassThrough(),
    stderr,
    env: {},
    cwd: dir,
    fetch: globalThis.fetch,
    signal: abort.signal,
    now,
  });
  const url = (await Promise.race([listening, exit.then((code) => Promise.reject(new Error(`serve exited ${code}: ${log}`)))]))[1] as string;
  return {
    url,
    stop: () => {
      abort.abort();
      return exit;
    },
  };
}

describe('router-knn-$2/h over a models: list, in serve', () => {
  it('a 10x spike goes to cheaper models and the hour from its start stays near the budget', { timeout: 300_000 }, async () => {
    let clock = 0;
    const { url, stop } = await serveWithClock(() => clock);
    // One request every 5 s for an hour; ten times that for ten minutes; then one every 5 s again.
    const arrivals: number[] = [];
    for (let t = 0; t < 3600_000; t += 5000) arrivals.push(t);
    for (let t = 3600_000; t < 4200_000; t += 500) arrivals.push(t);
    for (let t = 4200_000; t < 7200_000; t += 5000) arrivals.push(t);
    const spent: { at: number; usd: number; model: string }[] = [];
    try {
      for (const [index, at] of arrivals.entries()) {
        clock = at;
        const response = await fetch(`${url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'router-knn-$2/h', messages: [{ role: 'user', content: PROMPTS[index % PROMPTS.length] }] }),
        });
        expect(response.status).toBe(200);
        const model = ((await response.json()) as { model: string }).model;
        spent.push({ at, usd: costOf(model), model });
      }
      const stats = (await (await fetch(`${url}/v1/routellm/stats`)).json()) as { shares: { model: string; budget: { usd_per_hour: number } }[] };
      expect(stats.shares).toEqual([expect.objectContaining({ model: 'router-knn-$2/h', budget: expect.objectContaining({ usd_per_hour: 2 }) })]);
    } finally {
      expect(await stop()).toBe(0);
    }
    const between = (from: number, to: number) => spent.filter((call) => call.at >= from && call.at < to);
    const usd = (calls: typeof spent) => calls.reduce((total, call) => total + call.usd, 0);
    // Every call to the frontier model would cost $4.4 an hour before the spike and $44 during it.
    const before = usd(between(1800_000, 3600_000)) * 2;
    const spikeHour = usd(between(3600_000, 7200_000));
    const spike = between(3660_000, 4200_000);
    const frontierShare = spike.filter((call) => call.model === 'frontier').length / spike.length;
    console.log(`list budget $2/h: half hour before the spike at $${before.toFixed(2)}/h; hour from the spike's start $${spikeHour.toFixed(2)}; frontier calls in the spike ${(frontierShare * 100).toFixed(1)}%`);
    expect(before).toBeGreaterThan(2 * 0.9);
    expect(before).toBeLessThan(2 * 1.1);
    expect(spikeHour).toBeGreaterThan(2 * 0.9);
    expect(spikeHour).toBeLessThan(2 * 1.1);
    expect(frontierShare).toBeLessThan(0.1);
  });
});

describe('what a list budget reports', () => {
  it('the same knob in the header, the stats and the metrics (the last decision\'s), a word for "every call to the cheapest", no rate from one request', { timeout: 60_000 }, async () => {
    let clock = 0;
    const { url, stop } = await serveWithClock(() => clock);
    const ask = async () => {
      const response = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'router-knn-$3/h', messages: [{ role: 'user', content: 'Prove theorem about primes in detail' }] }),
      });
      expect(response.status).toBe(200);
      await response.json();
      return { knob: response.headers.get('x-routellm-knob'), threshold: response.headers.get('x-routellm-threshold') };
    };
    const read = async () => {
      const stats = (await (await fetch(`${url}/v1/routellm/stats`)).json()) as { shares: { model: string; share: number; threshold: number | null; threshold_source: string; budget: { requests_per_hour: number | null } }[] };
      const metrics = await (await fetch(`${url}/metrics`)).text();
      const gauge = /routellm_share_threshold\{router="knn",share="\$3\/h"\} (\S+)/.exec(metrics)?.[1];
      return { share: stats.shares.find((share) => share.model === 'router-knn-$3/h'), gauge };
    };
    try {
      // A fresh budget's first request: its rate is one interval's, the allowance empty: every call to the cheapest.
      clock = 1000;
      expect(await ask()).toEqual({ knob: 'cheapest', threshold: 'cheapest' });
      const first = await read();
      expect(first.share).toEqual(expect.objectContaining({ share: 0, threshold: null, threshold_source: 'cheapest', budget: expect.objectContaining({ requests_per_hour: null }) }));
      // No number (prom-client writes NaN as `Nan`), where it was a knob that no request got.
      expect(first.gauge).toBeDefined();
      expect(Number(first.gauge)).toBeNaN();
      // Idle: still what the last decision did, not a knob no request got.
      clock = 5000;
      const idle = await read();
      expect(idle.share).toEqual(expect.objectContaining({ share: 0, threshold: null, threshold_source: 'cheapest', budget: expect.objectContaining({ requests_per_hour: null }) }));
      expect(Number(idle.gauge)).toBeNaN();
      // A minute later the allowance has filled: the next decision's knob is a number, the same in all three places.
      clock = 61_000;
      const second = await ask();
      expect(Number.isFinite(Number(second.knob))).toBe(true);
      const after = await read();
      expect(after.share?.threshold).toBe(Number(second.knob));
      expect(Number(after.gauge)).toBe(Number(second.knob));
      expect(after.share?.budget.requests_per_hour).toBeGreaterThan(0);
    } finally {
      expect(await stop()).toBe(0);
    }
  });
});
