import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARE_STATE_FORMAT } from '../../src/core/index.js';
import { startServeInProcess } from '../helpers/serve-in-process.js';
import { startUpstreamServer, type UpstreamServer } from '../helpers/upstream-server.js';
import { logLinesAt } from '../helpers/log-messages.js';

let upstream: UpstreamServer;
let dir: string;
beforeAll(async () => {
  upstream = await startUpstreamServer({ record: false });
  dir = await mkdtemp(join(tmpdir(), 'routellm-share-state-'));
});
afterAll(async () => {
  await upstream.close();
  await rm(dir, { recursive: true, force: true });
});

const PROMPTS = Array.from({ length: 80 }, (_, i) => `Question ${i}: ${i % 3 === 0 ? 'prove that there are infinitely many primes of the form 4k+3' : 'say hello'} ${'and more '.repeat(i % 7)}`);

function serve(state: string, extra: readonly string[] = []) {
  return startServeInProcess(
    ['--port', '0', '--routers', 'mf', '--base-url', upstream.baseURL, '--api-key', 'up', '--strong-model', 'big', '--weak-model', 'small', '--share-state', state, ...extra],
    { cwd: dir },
  );
}

async function ask(url: string, prompt: string, model = 'router-mf-30%') {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: prompt }] }),
  });
  await response.arrayBuffer();
  return { status: response.status, threshold: Number(response.headers.get('x-routellm-threshold')) };
}

async function shares(url: string) {
  return ((await (await fetch(`${url}/v1/routellm/stats`)).json()) as { shares: { threshold: number; threshold_source: string; window_fill: number }[] }).shares;
}

async function waitFor(path: string): Promise<void> {
  for (let waited = 0; waited < 5000; waited += 50) {
    if (await stat(path).then(() => true, () => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${path} was not written`);
}

describe('--share-state FILE', () => {
  it('saves the windows while serving and at shutdown, and a restart routes on from them', async () => {
    const file = join(dir, 'state', 'shares.json');
    const first = await serve(file, ['--share-window', '40']);
    let live: number;
    try {
      for (const prompt of PROMPTS) expect((await ask(first.listening[1] as string, prompt)).status).toBe(200);
      // Written within about a second while serving, not only at shutdown.
      await waitFor(file);
      const [track] = await shares(first.listening[1] as string);
      expect(track).toMatchObject({ threshold_source: 'window', window_fill: 40 });
      live = (track as { threshold: number }).threshold;
      const metrics = await (await fetch(`${first.listening[1]}/metrics`)).text();
      expect(metrics).toContain('routellm_share_window_fill{router="mf",share="30%"} 40');
      expect(metrics).toMatch(/routellm_share_realized\{router="mf",share="30%"\} 0\.\d+/);
      expect(metrics).toContain(`routellm_share_threshold{router="mf",share="30%"} ${live}`);
    } finally {
      expect(await first.stop()).toBe(0);
    }
    const saved = JSON.parse(await readFile(file, 'utf8'));
    expect(saved).toMatchObject({ format: SHARE_STATE_FORMAT, window: 40, tracks: [{ router: 'mf', share: 0.3 }] });
    expect(saved.tracks[0].rates).toHaveLength(40);
    // A pair's file is as it always was: no "lists" key (list windows only, docs/shares.md).
    expect(Object.keys(saved)).toEqual(['format', 'window', 'tracks']);

    const second = await serve(file, ['--share-window', '40']);
    try {
      expect(second.log()).toContain(`share state: loaded 1 window(s) from ${file}`);
      // Reported before any request (before: "shares": [] and no routellm_share_* series until the first one).
      const url = second.listening[1] as string;
      expect(await shares(url)).toEqual([expect.objectContaining({ model: 'router-mf-30%', threshold: live, threshold_source: 'window', window_fill: 40 })]);
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toContain('routellm_share_window_fill{router="mf",share="30%"} 40');
      expect(metrics).toContain(`routellm_share_threshold{router="mf",share="30%"} ${live}`);
      // The first request after the restart is routed by the saved window's cut, not the table's.
      expect((await ask(second.listening[1] as string, 'hello again')).threshold).toBe(live);
    } finally {
      expect(await second.stop()).toBe(0);
    }
  });

  for (const [what, text] of [
    ['a damaged file', '{"format":"routellm-share-state/1","tracks":[{"router":'],
    ["another program's file", JSON.stringify({ format: 'something-else/2', tracks: [] })],
  ] as const) {
    it(`${what} is one warning and a cold start, then replaced`, async () => {
      const file = join(dir, `bad-${what.length}.json`);
      await writeFile(file, text);
      const server = await serve(file);
      try {
        // serve's warn lines, less the pair's missing prices.
        const warnings = logLinesAt(server.log(), 40).map((line) => line['msg'] as string).filter((msg) => !msg.includes('no price'));
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toContain(`share state: ${file} is not a routellm share-state file`);
        expect(warnings[0]).toContain('start from the calibration table');
        const tableThreshold = (await ask(server.listening[1] as string, 'hello')).threshold;
        expect(await shares(server.listening[1] as string)).toEqual([expect.objectContaining({ threshold_source: 'table', window_fill: 1 })]);
        expect(tableThreshold).toBeGreaterThan(0);
      } finally {
        expect(await server.stop()).toBe(0);
      }
      expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ format: SHARE_STATE_FORMAT });
    });
  }

  it('server.share_window and server.share_state come from the config file, the path relative to the file', async () => {
    const configDir = join(dir, 'etc');
    await mkdir(configDir, { recursive: true });
    const config = join(configDir, 'routellm.yaml');
    await writeFile(config, 'server:\n  share_window: 8\n  share_state: kept/shares.json\n');
    const server = await startServeInProcess(
      ['--port', '0', '--routers', 'mf', '--config', config, '--base-url', upstream.baseURL, '--api-key', 'up', '--strong-model', 'big', '--weak-model', 'small'],
      { cwd: dir },
    );
    try {
      expect(server.log()).toContain(`last 8 requests (windows kept in ${join(configDir, 'kept', 'shares.json')})`);
      for (const prompt of PROMPTS.slice(0, 10)) await ask(server.listening[1] as string, prompt);
      expect(await shares(server.listening[1] as string)).toEqual([expect.objectContaining({ window_fill: 8 })]);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    expect(JSON.parse(await readFile(join(configDir, 'kept', 'shares.json'), 'utf8'))).toMatchObject({ window: 8 });
  });

  it('a bad --share-window or redis URL is a usage error (exit 2)', async () => {
    await expect(serve(join(dir, 'x.json'), ['--share-window', '0'])).rejects.toThrow(/--share-window.*integer from 1 to 10000/);
    await expect(serve('redis://127.0.0.1:6379/x')).rejects.toThrow(/must be a number/);
  });
});
