import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ROUTER } from '../../src/routers/default-router.js';
import { startServeInProcess } from '../helpers/serve-in-process.js';
import { startUpstreamServer, type UpstreamServer } from '../helpers/upstream-server.js';
import { chatThenMath, shareBetween, sharedDatasets, worstWindow } from './helpers/drift-stream.js';

const datasets = sharedDatasets();
let upstream: UpstreamServer;
let dir: string;
beforeAll(async () => {
  upstream = await startUpstreamServer({ record: false });
  dir = await mkdtemp(join(tmpdir(), 'routellm-drift-'));
});
afterAll(async () => {
  await upstream.close();
  await rm(dir, { recursive: true, force: true });
});

/** Sends the stream through a real `routellm serve`, one request at a time; true where the strong model was routed. */
async function routeThroughServe(router: string, model: string, prompts: readonly string[], extra: readonly string[] = []) {
  const serve = await startServeInProcess(
    ['--port', '0', '--routers', router, '--base-url', upstream.baseURL, '--api-key', 'up', '--strong-model', 'big', '--weak-model', 'small', ...extra],
    { cwd: dir },
  );
  const strong: boolean[] = [];
  const thresholds = new Set<string>();
  try {
    for (const prompt of prompts) {
      const response = await fetch(`${serve.listening[1]}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model, messages: [{ role: 'user', content: prompt }] }),
      });
      expect(response.status).toBe(200);
      await response.arrayBuffer();
      strong.push(response.headers.get('x-routellm-model') === 'big');
      thresholds.add(response.headers.get('x-routellm-threshold') ?? '');
    }
    const stats = (await (await fetch(`${serve.listening[1]}/v1/routellm/stats`)).json()) as { shares: { model: string; realized_share: number; window_fill: number }[] };
    return { strong, thresholds, stats };
  } finally {
    expect(await serve.stop()).toBe(0);
  }
}

describe.skipIf(!datasets)('a share holds on a stream that drifts from chat to math', () => {
  for (const router of [DEFAULT_ROUTER, 'mf']) {
    it(`router-${router}-30% through serve: last 1,000 within 30 ± 3, every 500 after the first 1,000 (and after the shift's first 195) within ± 5`, { timeout: 120_000 }, async () => {
      const { prompts, shiftAt } = chatThenMath(datasets as string);
      const { strong, thresholds, stats } = await routeThroughServe(router, `router-${router}-30%`, prompts);
      const last = shareBetween(strong, strong.length - 1000, strong.length);
      const afterFirst1000 = worstWindow(strong, 1000, 0.3);
      // The stream shifted at request 805 and was judged from 1,000 on: 195 requests later.
      const afterShift = worstWindow(strong, shiftAt + 195, 0.3);
      console.log(
        `router-${router}-30%: last 1000 ${(last * 100).toFixed(1)}%; worst 500 after 1000 ${(afterFirst1000.share * 100).toFixed(1)}% at ${afterFirst1000.start}; ` +
          `worst 500 from shift+195 ${(afterShift.share * 100).toFixed(1)}% at ${afterShift.start}; whole stream ${(shareBetween(strong, 0, strong.length) * 100).toFixed(1)}%`,
      );
      expect(Math.abs(last - 0.3)).toBeLessThanOrEqual(0.03);
      expect(Math.abs(afterFirst1000.share - 0.3)).toBeLessThanOrEqual(0.05);
      expect(Math.abs(afterShift.share - 0.3)).toBeLessThanOrEqual(0.05);
      // The threshold is live (the header shows it moving), and the stats report the share's window.
      expect(thresholds.size).toBeGreaterThan(100);
      expect(stats.shares).toEqual([expect.objectContaining({ model: `router-${router}-30%`, window_fill: 200 })]);
      expect(Math.abs((stats.shares[0]?.realized_share ?? 0) - 0.3)).toBeLessThanOrEqual(0.06);
    });
  }

  it('a fixed threshold drifts with the traffic (the flaw the live share fixes), and is never adapted', { timeout: 120_000 }, async () => {
    const { prompts } = chatThenMath(datasets as string);
    const { strong, thresholds, stats } = await routeThroughServe('mf', 'router-mf-0.25', prompts);
    expect(thresholds).toEqual(new Set(['0.25']));
    expect(stats.shares).toEqual([]);
    // The same win-rate threshold sends a very different share of chat and of math to the strong model.
    expect(Math.abs(shareBetween(strong, 0, 500) - shareBetween(strong, strong.length - 1000, strong.length))).toBeGreaterThan(0.15);
  });
});
