import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restartDelayMs } from '../../../src/cli/serve/serve-workers.js';
import { logMessages } from '../../helpers/log-messages.js';
import { runCliInProcess } from '../../helpers/run-cli-in-process.js';
import { BIN } from '../../helpers/run-cli-child.js';
import { startServeInProcess } from '../../helpers/serve-in-process.js';
import { startCluster, workerPids, type Cluster } from '../../helpers/serve-cluster.js';
import { startUpstreamServer, type UpstreamServer } from '../../helpers/upstream-server.js';

describe('serve --workers, bad values', () => {
  it.each(['0', '-1', 'abc', '1.5', '65'])('refuses --workers %s in one line, exit 2', async (value) => {
    const result = await runCliInProcess(['serve', '--workers', value, '--port', '0', '--base-url', 'http://127.0.0.1:9/v1', '--api-key', 'k']);
    expect(result.code).toBe(2);
    const lines = logMessages(result.stderr).split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`--workers: "${value}" is not a number of worker processes from 1 to 64`);
  });
});

describe('serve --workers 1', () => {
  it('is the single-process server: it listens in this process, without a primary', async () => {
    const upstream = await startUpstreamServer({ record: false });
    try {
      const serve = await startServeInProcess(['--workers', '1', '--port', '0', '--routers', 'random', '--base-url', upstream.baseURL, '--api-key', 'k', '--no-probe'], { cwd: process.cwd() });
      expect(logMessages(serve.log())).not.toContain('workers serving on');
      const stats = (await (await fetch(`${serve.listening[1]}/v1/routellm/stats`)).json()) as Record<string, unknown>;
      expect(stats['workers']).toBeUndefined();
      expect(await serve.stop()).toBe(0);
    } finally {
      await upstream.close();
    }
  });
});

describe('restartDelayMs', () => {
  it('starts at 0.1 s and doubles to at most 10 s, so a crash loop does not spin', () => {
    expect([1, 2, 3, 4].map(restartDelayMs)).toEqual([100, 200, 400, 800]);
    expect(restartDelayMs(8)).toBe(10_000);
    expect(restartDelayMs(50)).toBe(10_000);
  });
});

/** A chat request on its own connection (node:http without an agent), so the primary hands them round the workers; its status. */
function postOnNewConnection(url: string, content: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const body = JSON.stringify({ model: 'router-random-50%', messages: [{ role: 'user', content }] });
    const request = httpRequest(`${url}/v1/chat/completions`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** The workers whose request lines show a chat completion. */
function answeringWorkers(log: string): Set<number> {
  return new Set(
    log
      .split('\n')
      .filter((line) => line.includes('"path":"/v1/chat/completions"'))
      .map((line) => (JSON.parse(line) as { worker: number }).worker),
  );
}

async function metricValue(url: string, series: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(series))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

describe('serve --workers 2, a real cluster on 127.0.0.1', () => {
  let upstream: UpstreamServer;
  let cluster: Cluster;
  beforeAll(async () => {
    upstream = await startUpstreamServer({ record: false });
    cluster = await startCluster(['--workers', '2', '--port', '0', '--routers', 'random', '--base-url', upstream.baseURL, '--api-key', 'k', '--strong-model', 'big', '--weak-model', 'small', '--no-probe']);
  }, 60_000);
  afterAll(async () => {
    if (cluster.child.exitCode === null) cluster.child.kill('SIGKILL');
    await upstream.close();
  });

  it('says each start-up warning once, from the first worker, not once per worker', () => {
    // Both workers listen (their own lines), but the unpriced models are said once.
    expect(workerPids(cluster.log()).size).toBe(2);
    const unpriced = logMessages(cluster.log()).split('\n').filter((line) => line.startsWith('models "big" and "small" have no price'));
    expect(unpriced).toHaveLength(1);
  });

  it('adds up every worker in /metrics and /v1/routellm/stats', async () => {
    expect(workerPids(cluster.log()).size).toBe(2);
    const answers = await Promise.all(Array.from({ length: 40 }, (_, index) => postOnNewConnection(cluster.url, `hello ${index}`)));
    expect(answers.every((status) => status === 200)).toBe(true);
    // Both workers answered some of them (their request lines carry their pid).
    expect(answeringWorkers(cluster.log()).size).toBe(2);
    // Asked twice: each scrape reaches one worker, and each says the sum.
    for (let scrape = 0; scrape < 2; scrape += 1) expect(await metricValue(cluster.url, 'routellm_requests_total{')).toBe(40);
    expect(await metricValue(cluster.url, 'routellm_routed_total{')).toBe(40);
    expect(await metricValue(cluster.url, 'routellm_routed_share{')).toBeCloseTo(1, 6);
    expect(await metricValue(cluster.url, 'routellm_workers')).toBe(2);
    const stats = (await (await fetch(`${cluster.url}/v1/routellm/stats`)).json()) as { requests: number; failed_requests: number; requests_by_status: Record<string, number>; workers: number; models: Record<string, { requests: number }> };
    expect(stats.workers).toBe(2);
    expect(stats.requests).toBe(40);
    // By status as routellm_requests_total counts them: every worker's, not the scraped one's.
    expect(stats.requests_by_status).toEqual({ '200': 40 });
    expect(stats.failed_requests).toBe(0);
    expect(Object.values(stats.models).reduce((sum, model) => sum + model.requests, 0)).toBe(40);
  });

  it('restarts a worker killed mid-traffic, and every request gets an answer or an OpenAI-shaped error', async () => {
    upstream.reply = () => ({ kind: 'json', content: 'slow', delayMs: 20 });
    const before = workerPids(cluster.log());
    const victim = before.get(1) as number;
    // The official client, as users run it (its default retries included).
    const client = new OpenAI({ baseURL: `${cluster.url}/v1`, apiKey: 'client', timeout: 20_000 });
    let sent = 0;
    const outcomes: string[] = [];
    const worker = async () => {
      while (sent < 300) {
        sent += 1;
        try {
          const answer = await client.chat.completions.create({ model: 'router-random-50%', messages: [{ role: 'user', content: 'hi' }] });
          outcomes.push(answer.choices[0]?.message.content === 'slow' ? 'answer' : 'wrong answer');
        } catch (error) {
          outcomes.push(error instanceof OpenAI.APIError ? `openai error ${error.status ?? 'connection'}` : `other: ${String(error)}`);
        }
      }
    };
    const traffic = Promise.all(Array.from({ length: 8 }, worker));
    while (outcomes.length < 60) await new Promise((resolve) => setTimeout(resolve, 10));
    process.kill(victim, 'SIGKILL');
    await traffic;
    expect(outcomes).toHaveLength(300);
    // None lost, none in another shape; with the client's retries, in practice every one is answered.
    expect(outcomes.filter((outcome) => outcome !== 'answer' && !outcome.startsWith('openai error'))).toEqual([]);
    expect(outcomes.filter((outcome) => outcome === 'answer').length).toBeGreaterThanOrEqual(290);
    await cluster.waitFor(/"signal":"SIGKILL"[^\n]*restarting it in 0\.1 s/);
    // Worker 1 comes back with a new pid, and the cluster serves with two workers again.
    while (!(workerPids(cluster.log()).get(1) !== victim)) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await metricValue(cluster.url, 'routellm_workers')).toBe(2);
    expect(await metricValue(cluster.url, 'routellm_worker_restarts_total')).toBe(1);
  }, 60_000);

  it('reloads every worker on a POST that reaches one of them', async () => {
    const before = await metricValue(cluster.url, 'routellm_reloads_total{outcome="ok"}');
    const response = await fetch(`${cluster.url}/v1/routellm/reload`, { method: 'POST' });
    expect(response.status).toBe(200);
    // The worker that took the POST reloads; the primary sends SIGHUP to the other, which reloads too.
    while ((await metricValue(cluster.url, 'routellm_reloads_total{outcome="ok"}')) < before + 2) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await metricValue(cluster.url, 'routellm_reloads_total{outcome="ok"}')).toBe(before + 2);
    expect(await metricValue(cluster.url, 'routellm_router_info{')).toBe(1);
  }, 30_000);

  it('answers in-flight requests on SIGTERM, then every worker and the primary exit 0', async () => {
    upstream.reply = () => ({ kind: 'json', content: 'late', delayMs: 1500 });
    const client = new OpenAI({ baseURL: `${cluster.url}/v1`, apiKey: 'client', maxRetries: 0 });
    const inFlight = Array.from({ length: 6 }, () => client.chat.completions.create({ model: 'router-random-50%', messages: [{ role: 'user', content: 'hi' }] }));
    await new Promise((resolve) => setTimeout(resolve, 500));
    cluster.child.kill('SIGTERM');
    const answers = await Promise.all(inFlight);
    expect(answers.map((answer) => answer.choices[0]?.message.content)).toEqual(Array(6).fill('late'));
    expect(await cluster.exited).toBe(0);
    expect(logMessages(cluster.log())).toContain('routellm: all workers stopped');
  }, 30_000);
});

describe('serve --workers 2: a worker killed and restarted keeps its counts in the totals', () => {
  it('never lowers a counter of /metrics or /v1/routellm/stats, and the totals equal the requests sent', async () => {
    const upstream = await startUpstreamServer({ record: false });
    const cluster = await startCluster(['--workers', '2', '--port', '0', '--routers', 'random', '--base-url', upstream.baseURL, '--api-key', 'k', '--strong-model', 'big', '--weak-model', 'small', '--no-probe']);
    try {
      let sent = 0;
      const traffic = async (count: number) => {
        const answers = await Promise.all(Array.from({ length: count }, (_, index) => postOnNewConnection(cluster.url, `hello ${sent + index}`)));
        expect(answers.every((status) => status === 200)).toBe(true);
        sent += count;
      };
      type Reading = { requests: number; routed: number; latencyCount: number; statsRequests: number; byStatus: number; modelRequests: number };
      const read = async (): Promise<Reading> => {
        const stats = (await (await fetch(`${cluster.url}/v1/routellm/stats`)).json()) as { requests: number; requests_by_status: Record<string, number>; models: Record<string, { requests: number }> };
        return {
          requests: await metricValue(cluster.url, 'routellm_requests_total{'),
          routed: await metricValue(cluster.url, 'routellm_routed_total{'),
          latencyCount: await metricValue(cluster.url, 'routellm_upstream_latency_seconds_count{'),
          statsRequests: stats.requests,
          byStatus: stats.requests_by_status['200'] ?? 0,
          modelRequests: Object.values(stats.models).reduce((sum, model) => sum + model.requests, 0),
        };
      };
      const readings: Reading[] = [];
      const expectTotals = (reading: Reading) => {
        for (const [key, value] of Object.entries(reading)) expect(value, key).toBe(sent);
      };

      await traffic(40);
      const pids = workerPids(cluster.log());
      // The victim answered some of the requests: its counts are what a restart from zero would lose.
      const victimSlot = [...answeringWorkers(cluster.log())][0] as number;
      const victim = pids.get(victimSlot) as number;
      // A scrape asks every worker, and the primary keeps each one's report: here the victim's last.
      readings.push(await read());
      expectTotals(readings.at(-1) as Reading);

      process.kill(victim, 'SIGKILL');
      await cluster.waitFor(/"signal":"SIGKILL"/);
      // One worker serving (or the victim's successor already): the victim's counts are still there.
      readings.push(await read());
      expectTotals(readings.at(-1) as Reading);
      while (workerPids(cluster.log()).get(victimSlot) === victim) await new Promise((resolve) => setTimeout(resolve, 50));
      // The successor starts from zero; the cluster's totals do not.
      readings.push(await read());
      await traffic(40);
      readings.push(await read());
      expect(answeringWorkers(cluster.log()).size).toBe(2);
      expectTotals(readings.at(-1) as Reading);

      // Then the other worker: two sets of retired counts, summed into one.
      const otherSlot = victimSlot === 1 ? 2 : 1;
      const other = workerPids(cluster.log()).get(otherSlot) as number;
      process.kill(other, 'SIGKILL');
      while (workerPids(cluster.log()).get(otherSlot) === other) await new Promise((resolve) => setTimeout(resolve, 50));
      readings.push(await read());
      expectTotals(readings.at(-1) as Reading);
      await traffic(20);
      readings.push(await read());
      expectTotals(readings.at(-1) as Reading);

      for (let index = 1; index < readings.length; index += 1) {
        for (const key of Object.keys(readings[index] as Reading) as (keyof Reading)[]) {
          expect((readings[index] as Reading)[key], `${key} at reading ${index}`).toBeGreaterThanOrEqual((readings[index - 1] as Reading)[key]);
        }
      }
      expect(await metricValue(cluster.url, 'routellm_worker_restarts_total')).toBe(2);
      cluster.child.kill('SIGTERM');
      expect(await cluster.exited).toBe(0);
    } finally {
      if (cluster.child.exitCode === null) cluster.child.kill('SIGKILL');
      await upstream.close();
    }
  }, 60_000);
});

describe('serve --workers 2 --sample-prompts: the primary alone writes and rotates the one file', () => {
  it('keeps every sampled prompt once, in files no bigger than --sample-max-size, and /metrics counts them', async () => {
    const upstream = await startUpstreamServer({ record: false });
    const dir = await mkdtemp(join(tmpdir(), 'routellm-worker-samples-'));
    const samples = join(dir, 'samples.jsonl');
    const maxBytes = 8192;
    try {
      const cluster = await startCluster(['--workers', '2', '--port', '0', '--routers', 'random', '--base-url', upstream.baseURL, '--api-key', 'k', '--strong-model', 'big', '--weak-model', 'small', '--no-probe', '--sample-prompts', samples, '--sample-rate', '1', '--sample-max-size', String(maxBytes)]);
      // About 250 bytes a line: 120 lines are ~30 KB, so about 4 files of 8 KB (5 rotated ones are kept).
      const count = 120;
      for (let start = 0; start < count; start += 20) {
        const answers = await Promise.all(Array.from({ length: 20 }, (_, offset) => postOnNewConnection(cluster.url, `prompt ${start + offset}: ${'a fairly long question about sampling '.repeat(3)}`)));
        expect(answers.every((status) => status === 200)).toBe(true);
      }
      expect(answeringWorkers(cluster.log()).size).toBe(2);
      cluster.child.kill('SIGTERM');
      expect(await cluster.exited).toBe(0);

      const files = (await readdir(dir)).filter((name) => name.startsWith('samples')).sort();
      expect(files.length).toBeGreaterThanOrEqual(3);
      const prompts: string[] = [];
      for (const name of files) {
        const path = join(dir, name);
        expect((await stat(path)).size, name).toBeLessThanOrEqual(maxBytes);
        const text = await readFile(path, 'utf8');
        expect(text.endsWith('\n'), name).toBe(true);
        for (const line of text.split('\n').filter(Boolean)) prompts.push((JSON.parse(line) as { prompt: string }).prompt);
      }
      // Each prompt once: none lost, none written twice.
      expect(prompts).toHaveLength(count);
      expect(new Set(prompts.map((prompt) => prompt.split(':')[0])).size).toBe(count);
      // Rotated in order: the newest file holds the last lines written, FILE.1 the ones before.
      expect(files[0]).toBe('samples.1.jsonl');
      expect(files.at(-1)).toBe('samples.jsonl');
    } finally {
      await upstream.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('counts them in /metrics, added up over the cluster: written by the primary, none dropped', async () => {
    const upstream = await startUpstreamServer({ record: false });
    const dir = await mkdtemp(join(tmpdir(), 'routellm-worker-samples-'));
    try {
      const cluster = await startCluster(['--workers', '2', '--port', '0', '--routers', 'random', '--base-url', upstream.baseURL, '--api-key', 'k', '--strong-model', 'big', '--weak-model', 'small', '--no-probe', '--sample-prompts', join(dir, 's.jsonl'), '--sample-rate', '1']);
      const client = new OpenAI({ baseURL: `${cluster.url}/v1`, apiKey: 'client', maxRetries: 0 });
      for (let n = 0; n < 10; n += 1) await client.chat.completions.create({ model: 'router-random-50%', messages: [{ role: 'user', content: `hi ${n}` }] });
      // Lines reach the primary within a batch (0.2 s) and its file within another.
      let written = 0;
      for (let tries = 0; tries < 50 && written < 10; tries += 1) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        written = await metricValue(cluster.url, 'routellm_prompt_samples_total{outcome="written"}');
      }
      expect(written).toBe(10);
      expect(await metricValue(cluster.url, 'routellm_prompt_samples_total{outcome="dropped_queue_full"}')).toBe(0);
      expect(await metricValue(cluster.url, 'routellm_prompt_samples_total{outcome="dropped_write_error"}')).toBe(0);
      cluster.child.kill('SIGTERM');
      expect(await cluster.exited).toBe(0);
      expect((await readFile(join(dir, 's.jsonl'), 'utf8')).split('\n').filter(Boolean)).toHaveLength(10);
    } finally {
      await upstream.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('refuses an unwritable --sample-prompts path in the primary, before any worker starts: one line, exit 2', async () => {
    // Under a regular file: no directory can be made there.
    const dir = await mkdtemp(join(tmpdir(), 'routellm-worker-samples-'));
    await writeFile(join(dir, 'file'), '');
    const path = join(dir, 'file', 'samples.jsonl');
    const child = spawn(process.execPath, [BIN, 'serve', '--workers', '2', '--port', '0', '--base-url', 'http://127.0.0.1:9/v1', '--api-key', 'k', '--no-probe', '--sample-prompts', path], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(2);
    const lines = logMessages(stderr).split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`--sample-prompts: cannot write ${path}`);
    // No worker started: it would have said it listens.
    expect(stderr).not.toContain('listening on');
    await rm(dir, { recursive: true, force: true });
  });
});
