import type { ChildProcess } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { packageRoot } from '../src/runtime/package-paths.js';
import { startUpstreamServer } from '../test/helpers/upstream-server.js';
import { writeBenchSection } from './benchmarks-md.js';
import { percentile, spawnLoggingToFile } from './bench-helpers.js';

/*
 * Reload under load (issue 17): the real `routellm serve` (child process, mf router) takes a steady
 * stream of chat requests, half of them streams that last about 300 ms, while its routers are
 * reloaded every 2 s, alternately by SIGHUP and by POST /v1/routellm/reload, each time onto the
 * other of two mf checkpoints (the shipped weights and a copy with one weight changed, so every
 * reload really swaps weights). Every answer is checked whole: status 200, a JSON body with the
 * whole echo, or a stream with every word, a finish_reason and [DONE]. Anything else is a failure.
 */

const DURATION_MS = 20_000;
const RELOAD_EVERY_MS = 2_000;
const RATE_PER_S = 40;
/** Words per streamed answer, one event each, STREAM_GAP_MS apart: about 300 ms a stream. */
const STREAM_WORDS = 12;
const STREAM_GAP_MS = 25;

interface Outcome {
  readonly ok: boolean;
  readonly why?: string;
  readonly stream: boolean;
  readonly startMs: number;
  readonly endMs: number;
}

/** One request through serve, checked whole. */
function chat(agent: http.Agent, port: number, n: number, stream: boolean, t0: number): Promise<Outcome> {
  const prompt = `request ${n}: ${Array.from({ length: STREAM_WORDS - 2 }, (_, i) => `w${i}`).join(' ')}`;
  const body = JSON.stringify({ model: 'router-mf-0.5', stream, messages: [{ role: 'user', content: prompt }] });
  const startMs = performance.now() - t0;
  return new Promise((resolve) => {
    const done = (ok: boolean, why?: string) => resolve({ ok, stream, startMs, endMs: performance.now() - t0, ...(why ? { why } : {}) });
    const request = http.request(
      { host: '127.0.0.1', port, path: '/v1/chat/completions', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (response) => {
        let text = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        response.on('error', (error) => done(false, `response error: ${error.message}`));
        response.on('end', () => {
          if (response.statusCode !== 200) return done(false, `status ${response.statusCode}: ${text.slice(0, 200)}`);
          const expected = `echo: ${prompt}`;
          if (!stream) {
            const content = (JSON.parse(text) as { choices: { message: { content: string } }[] }).choices[0]?.message.content;
            return done(content === expected, content === expected ? undefined : `body ${text.slice(0, 200)}`);
          }
          const events = text.split('\n\n').filter((event) => event.startsWith('data: '));
          if (events.at(-1) !== 'data: [DONE]') return done(false, `stream without [DONE]: ...${text.slice(-200)}`);
          const chunks = events.slice(0, -1).map((event) => JSON.parse(event.slice(6)) as { error?: unknown; choices: { delta: { content?: string }; finish_reason: string | null }[] });
          if (chunks.some((chunk) => chunk.error !== undefined)) return done(false, `error event: ${text.slice(-300)}`);
          const content = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
          const finished = chunks.some((chunk) => chunk.choices[0]?.finish_reason === 'stop');
          return done(content === expected && finished, content === expected && finished ? undefined : `stream content ${JSON.stringify(content)}`);
        });
      },
    );
    request.on('error', (error) => done(false, `request error: ${error.message}`));
    request.end(body);
  });
}

function post(agent: http.Agent, port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, path, method: 'POST', agent }, (response) => {
      let text = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    request.on('error', reject);
    request.end();
  });
}

function get(agent: http.Agent, port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent }, (response) => {
        let text = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve(text));
      })
      .on('error', reject);
  });
}

/** The bench: writes its BENCHMARKS.md section; exits 1 if any request failed or any reload did not work. */
export async function runReloadUnderLoadBench(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'routellm-reload-bench-'));
  const children: ChildProcess[] = [];
  const self = fileURLToPath(import.meta.url);
  try {
    await cp(join(packageRoot(), 'datasets', 'mf'), join(dir, 'a'), { recursive: true });
    await cp(join(dir, 'a'), join(dir, 'b'), { recursive: true });
    const weights = await readFile(join(dir, 'b', 'model.safetensors'));
    weights[weights.length - 2] = (weights[weights.length - 2] as number) ^ 0x01;
    await writeFile(join(dir, 'b', 'model.safetensors'), weights);
    const config = join(dir, 'routellm.yaml');
    await writeFile(config, 'mf:\n  checkpoint_path: ./a\n');

    const upstream = await spawnLoggingToFile([self, '--role', 'upstream'], join(dir, 'upstream.log'), /URL (\S+)/);
    children.push(upstream.child);
    const serve = await spawnLoggingToFile(
      [join(packageRoot(), 'bin', 'routellm.js'), 'serve', '--port', '0', '--routers', 'mf', '--config', config, '--base-url', upstream.match[1] as string, '--api-key', 'k', '--strong-model', 'strong', '--weak-model', 'weak', '--no-probe', '--log-format', 'json'],
      join(dir, 'serve.log'),
      /routellm listening on http:\/\/127\.0\.0\.1:(\d+)/,
    );
    children.push(serve.child);
    const port = Number(serve.match[1]);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
    const load = loadavg()[0] as number;

    const t0 = performance.now();
    const pending: Promise<Outcome>[] = [];
    const reloads: { via: string; ok: boolean; tookMs?: number; atMs: number }[] = [];
    let n = 0;
    // Requests at a steady rate: each tick sends what the clock says is due.
    const sender = (async () => {
      while (performance.now() - t0 < DURATION_MS) {
        const due = Math.floor(((performance.now() - t0) / 1000) * RATE_PER_S);
        for (; n < due; n += 1) pending.push(chat(agent, port, n, n % 2 === 0, t0));
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    const reloader = (async () => {
      for (let k = 1; k * RELOAD_EVERY_MS < DURATION_MS; k += 1) {
        await new Promise((resolve) => setTimeout(resolve, k * RELOAD_EVERY_MS - (performance.now() - t0)));
        await writeFile(config, `mf:\n  checkpoint_path: ./${k % 2 === 1 ? 'b' : 'a'}\n`);
        const atMs = performance.now() - t0;
        if (k % 2 === 1) {
          serve.child.kill('SIGHUP');
          reloads.push({ via: 'SIGHUP', ok: true, atMs });
        } else {
          const answer = await post(agent, port, '/v1/routellm/reload');
          const parsed = answer.status === 200 ? (JSON.parse(answer.body) as { took_ms: number }) : undefined;
          reloads.push({ via: 'POST', ok: answer.status === 200, atMs, ...(parsed ? { tookMs: parsed.took_ms } : {}) });
        }
      }
    })();
    await Promise.all([sender, reloader]);
    const outcomes = await Promise.all(pending);
    const metrics = await get(agent, port, '/metrics');
    const stats = JSON.parse(await get(agent, port, '/v1/routellm/stats')) as { routing: { generation: number } };
    agent.destroy();
    const log = await readFile(join(dir, 'serve.log'), 'utf8');
    const reloadLines = log
      .split('\n')
      .filter((line) => line.includes('"reload":'))
      .map((line) => JSON.parse(line) as { msg: string; took_ms?: number; reload: string; level: number })
      .filter((line) => line.msg.startsWith('routellm reload'));
    const okReloads = Number(/routellm_reloads_total\{outcome="ok"\} (\d+)/.exec(metrics)?.[1] ?? Number.NaN);
    const failedReloads = Number(/routellm_reloads_total\{outcome="failed"\} (\d+)/.exec(metrics)?.[1] ?? Number.NaN);
    const tookMs = reloadLines.map((line) => line.took_ms).filter((value): value is number => value !== undefined).sort((a, b) => a - b);
    const failures = outcomes.filter((outcome) => !outcome.ok);
    const latencies = outcomes.map((outcome) => outcome.endMs - outcome.startMs).sort((a, b) => a - b);
    // Requests whose lifetime spans a reload's start: in flight while the routers were swapped (or being built).
    const spanning = outcomes.filter((outcome) => reloads.some((reload) => outcome.startMs < reload.atMs && outcome.endMs > reload.atMs));
    const streams = outcomes.filter((outcome) => outcome.stream).length;
    const f = (value: number) => value.toFixed(0);

    const markdown = `## Reload under load (\`bench/reload-under-load.ts\`)

The real \`routellm serve\` (child process, \`--routers mf\`) under ${RATE_PER_S} chat requests a second for ${DURATION_MS / 1000} s, half of
them streams of ${STREAM_WORDS} events ${STREAM_GAP_MS} ms apart (about ${(STREAM_WORDS + 2) * STREAM_GAP_MS} ms each, so streams are always in flight), while the
routers are reloaded every ${RELOAD_EVERY_MS / 1000} s, alternately by SIGHUP and by \`POST /v1/routellm/reload\`, each time onto the
other of two mf checkpoints (the shipped weights and a copy with one weight changed: every reload swaps weights). Each
answer is checked whole: status 200 and the full echo, a stream with every word, its finish_reason and \`[DONE]\`.
Upstream: a fake OpenAI server in its own process. Machine: ${cpus().length} cores shared with other engineers' work
(load average ${load.toFixed(1)} at the start), so latencies are noisy; the counts are the point. Percentiles and medians by nearest rank (bench/bench-helpers.ts, the one rule of every bench).

| figure | value |
| --- | ---: |
| requests sent (streams) | ${outcomes.length} (${streams}) |
| **failed or truncated responses** | **${failures.length}** |
| requests in flight across a reload | ${spanning.length} |
| reloads asked (SIGHUP + POST) | ${reloads.length} (${reloads.filter((r) => r.via === 'SIGHUP').length} + ${reloads.filter((r) => r.via === 'POST').length}) |
| reloads done (\`routellm_reloads_total\` ok / failed) | ${okReloads} / ${failedReloads} |
| routing generation at the end (\`/v1/routellm/stats\`) | ${stats.routing.generation} |
| reload time (building the new routers off to the side), median / max | ${f(percentile(tookMs, 0.5))} ms / ${f(tookMs.at(-1) ?? Number.NaN)} ms |
| request latency p50 / p99 / max | ${f(percentile(latencies, 0.5))} / ${f(percentile(latencies, 0.99))} / ${f(latencies.at(-1) ?? Number.NaN)} ms |

Target (issue 17): 0 failed or truncated responses with a reload every 2 s: ${failures.length === 0 && okReloads === reloads.length ? 'met' : 'NOT met'}.`;
    await writeBenchSection('reload-under-load', markdown);
    process.stdout.write(`${markdown}\n`);
    if (failures.length > 0) process.stderr.write(`failures (first 5): ${JSON.stringify(failures.slice(0, 5))}\n`);
    if (failures.length > 0 || okReloads !== reloads.length || failedReloads !== 0) process.exitCode = 1;
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  }
}

async function upstreamRole(): Promise<void> {
  const upstream = await startUpstreamServer({
    record: false,
    reply: (request) => {
      const content = `echo: ${request.body?.messages?.at(-1)?.content ?? ''}`;
      return request.body?.stream === true ? { kind: 'stream', content, delayMs: STREAM_GAP_MS } : { kind: 'json', content, delayMs: 50 };
    },
  });
  process.stderr.write(`URL ${upstream.baseURL}\n`);
  process.on('SIGTERM', () => process.exit(0));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const run = process.argv.includes('--role') ? upstreamRole() : runReloadUnderLoadBench();
  run.catch((error: unknown) => {
    process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  });
}
