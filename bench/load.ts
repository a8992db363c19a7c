import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Decider, createRandomRouter } from '../src/core/index.js';
import { packageRoot } from '../src/runtime/package-paths.js';
import { ChatPipeline } from '../src/server/chat/chat-pipeline.js';
import { startServer } from '../src/server/http/start-server.js';
import { DEFAULT_CHAT_OPTIONS } from '../src/server/options/chat-options.js';
import { Upstreams } from '../src/upstream/upstreams.js';
import { completion, streamEvents } from '../test/helpers/upstream-server.js';
import { median, percentile, spawnAndWait } from './bench-helpers.js';
import { writeBenchSection } from './benchmarks-md.js';

/*
 * Load under faults: `routellm serve` (the real CLI, gateway on) in front of an upstream that
 * fails 1% of requests on their first attempt (500, 429, dropped connection, malformed
 * JSON/SSE, a keep-alive comment then an error event, in turn), so every such fault must be
 * absorbed by a fallback; one kind in six is [DONE] then a held-open response, which must be
 * answered whole on the first attempt. Processes: upstream and
 * serve in children, the load generator here. Phases: (1) find the rate the machine holds
 * (closed loop, CONCURRENCY workers); (2) the same open-loop rate straight to the upstream,
 * the baseline for added latency; (3) the timed run through serve at that rate, half the
 * requests streaming, RSS sampled every second. Every answer is checked against its request
 * (a unique nonce echoed back), every fault must show `x-routellm-fallback`, and /metrics
 * must account for every request. (4) Server CPU per request with and without serve's metrics and
 * request log (the same server and pipeline, unwatched), same fault-free load: what watching costs.
 */

const DURATION_S = Number(process.env['LOAD_SECONDS'] ?? 60);
const CALIBRATE_S = 5;
const BASELINE_S = 8;
const CONCURRENCY = 32;
/** Share of the measured maximum used for the timed run, so the run measures latency, not queueing. */
const RATE_SHARE = 0.6;
const FAULT_EVERY = 100; // 1%
const CPU_REQUESTS = 5000;
/**
 * `comment-error`: a stream's keep-alive comment, then an error event (a plain request gets a 503);
 * `done-hang`: a stream's whole answer, [DONE] included, with the response then held open (a plain
 * request is answered normally): the client must get it all at once, on the first attempt.
 */
const FAULTS = ['500', '429', 'drop', 'malformed', 'comment-error', 'done-hang'] as const;

interface Outcome {
  readonly ok: boolean;
  /** Why not ok: lost (no answer), mismatched, wrong status, missing fallback... */
  readonly problem?: string;
  readonly latencyNs: number;
  readonly nonce: number;
}

/** Nonce n is a fault when n % FAULT_EVERY === 0; which fault cycles with n. */
/** Two nonces in every 2 x FAULT_EVERY, one even (a plain request) and one odd (a stream): both kinds meet every fault. */
const isFault = (nonce: number) => nonce % (2 * FAULT_EVERY) === 0 || nonce % (2 * FAULT_EVERY) === FAULT_EVERY + 1;
const faultOf = (nonce: number) => FAULTS[Math.floor(nonce / (2 * FAULT_EVERY)) % FAULTS.length] as (typeof FAULTS)[number];
/** A fault the other model must absorb: every kind but `done-hang`, whose answer is whole on the first attempt. */
const fallsBack = (nonce: number) => isFault(nonce) && faultOf(nonce) !== 'done-hang';

/** The bench's upstream: echoes `echo:<nonce>`; fails a fault nonce's first attempt. */
async function upstreamRole(): Promise<void> {
  const failedOnce = new Set<number>();
  const server = http.createServer({ noDelay: true }, (request, response) => {
    if (request.method === 'GET') {
      // serve's start-up probe of the model list.
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ object: 'list', data: [{ id: 'strong', object: 'model' }, { id: 'weak', object: 'model' }] }));
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { model: string; stream?: boolean; stream_options?: { include_usage?: boolean }; messages: { content: string }[] };
      const text = body.messages.at(-1)?.content ?? '';
      const nonce = Number(text.slice(text.indexOf('#') + 1));
      const stream = body.stream === true;
      if (isFault(nonce) && !failedOnce.has(nonce) && !(faultOf(nonce) === 'done-hang' && !stream)) {
        failedOnce.add(nonce);
        // Bounded: the set only ever holds fault nonces of this run.
        const fault = faultOf(nonce);
        if (fault === 'done-hang') {
          response.writeHead(200, { 'content-type': 'text/event-stream' });
          // Every event and [DONE], then no end: the gateway must close the client's stream at [DONE].
          response.write(streamEvents(`chatcmpl-${nonce}`, body.model, `echo:${nonce}`, body.stream_options?.include_usage === true).join(''));
          return;
        }
        if (fault === 'comment-error') {
          if (!stream) {
            response.writeHead(503, { 'content-type': 'application/json' });
            response.end('{"error":{"message":"injected 503","type":"server_error","param":null,"code":null}}');
            return;
          }
          response.writeHead(200, { 'content-type': 'text/event-stream' });
          response.write(': ping\n\n');
          setTimeout(() => response.end('data: {"error":{"message":"injected overload","type":"server_error","param":null,"code":null}}\n\n'), 5);
          return;
        }
        if (fault === '500' || fault === '429') {
          const error = JSON.stringify({ error: { message: `injected ${fault}`, type: 'server_error', param: null, code: null } });
          response.writeHead(Number(fault), { 'content-type': 'application/json', 'content-length': Buffer.byteLength(error), ...(fault === '429' ? { 'retry-after': '1' } : {}) });
          response.end(error);
        } else if (fault === 'drop') {
          request.socket.destroy();
        } else if (stream) {
          response.writeHead(200, { 'content-type': 'text/event-stream' });
          response.end('data: {not json\n\n');
        } else {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end('{"choices": [ broken');
        }
        return;
      }
      const id = `chatcmpl-${nonce}`;
      const content = `echo:${nonce}`;
      if (stream) {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.end(streamEvents(id, body.model, content, body.stream_options?.include_usage === true).join(''));
      } else {
        const json = JSON.stringify(completion(id, body.model, content));
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
        response.end(json);
      }
    });
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(`PORT ${(server.address() as AddressInfo).port}\n`));
  process.on('SIGTERM', () => process.exit(0));
}

/** The same server without serve's watch over the pipeline (no metrics, no request log, as in-process): the CPU baseline. */
async function bareServeRole(upstreamURL: string): Promise<void> {
  const pair = { strong: 'strong', weak: 'weak' };
  const decider = new Decider({ pair, routers: new Map([['random', createRandomRouter()]]) });
  const upstreams = new Upstreams({ pair, overrides: { baseURL: upstreamURL, apiKey: 'bench' }, env: {}, maxRetries: 0 });
  const server = await startServer({ pipeline: new ChatPipeline({ routing: { decider, upstreams }, options: DEFAULT_CHAT_OPTIONS }), port: 0 });
  process.stdout.write(`PORT ${server.port}\n`);
  process.on('SIGTERM', () => process.exit(0));
}

/** CPU time (user + system) a process has used, in ms. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks at 100 Hz
}

/** Closed loop of `count` fault-free requests; returns the server's CPU µs per request. */
async function cpuPerRequest(port: number, pid: number, count: number, nextNonce: () => number): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  let sent = 0;
  const before = cpuMs(pid);
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (sent < count) {
        sent += 1;
        let nonce = nextNonce();
        while (isFault(nonce)) nonce = nextNonce();
        await send(port, agent, nonce, process.hrtime.bigint(), false);
      }
    }),
  );
  agent.destroy();
  return ((cpuMs(pid) - before) * 1000) / count;
}

function requestBody(nonce: number, stream: boolean, includeUsage: boolean): Buffer {
  return Buffer.from(
    JSON.stringify({
      model: 'router-random-0.5',
      messages: [{ role: 'user', content: `Summarise request #${nonce}` }],
      ...(stream ? { stream: true, ...(includeUsage ? { stream_options: { include_usage: true } } : {}) } : {}),
    }),
  );
}

/** One request; checks the answer belongs to this nonce and that faults were absorbed by a fallback. */
function send(port: number, agent: http.Agent, nonce: number, scheduled: bigint, viaProxy: boolean): Promise<Outcome> {
  const stream = nonce % 2 === 1;
  const includeUsage = nonce % 4 === 1;
  const body = requestBody(nonce, stream, includeUsage);
  return new Promise((resolve) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/v1/chat/completions',
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': body.length },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', () => resolve({ ok: false, problem: 'lost: response error', latencyNs: 0, nonce }));
        response.on('end', () => {
          const latencyNs = Number(process.hrtime.bigint() - scheduled);
          const text = Buffer.concat(chunks).toString('utf8');
          const problem = check(nonce, response, text, stream, includeUsage, viaProxy);
          resolve(problem === undefined ? { ok: true, latencyNs, nonce } : { ok: false, problem, latencyNs, nonce });
        });
      },
    );
    request.setTimeout(30_000, () => request.destroy(new Error('timeout')));
    request.on('error', (error) => resolve({ ok: false, problem: `lost: ${error.message}`, latencyNs: 0, nonce }));
    request.end(body);
  });
}

function check(nonce: number, response: http.IncomingMessage, text: string, stream: boolean, includeUsage: boolean, viaProxy: boolean): string | undefined {
  if (response.statusCode !== 200) return `status ${response.statusCode}: ${text.slice(0, 200)}`;
  const expected = `echo:${nonce}`;
  let content = '';
  if (stream) {
    const events = text.split('\n\n').filter((event) => event.startsWith('data: '));
    if (events.at(-1) !== 'data: [DONE]') return 'stream did not end with [DONE]';
    let usageChunks = 0;
    for (const event of events.slice(0, -1)) {
      const chunk = JSON.parse(event.slice(6)) as { choices: { delta: { content?: string } }[]; usage?: unknown };
      if (chunk.choices.length === 0 && chunk.usage) usageChunks += 1;
      content += chunk.choices[0]?.delta.content ?? '';
    }
    if (viaProxy && usageChunks !== (includeUsage ? 1 : 0)) return `usage chunks ${usageChunks}, client asked: ${includeUsage}`;
  } else {
    content = (JSON.parse(text) as { choices: { message: { content: string } }[] }).choices[0]?.message.content ?? '';
  }
  if (content !== expected) return `mismatched: expected ${expected}, got ${content.slice(0, 60)}`;
  if (viaProxy) {
    const attempts = response.headers['x-routellm-attempts'];
    if (fallsBack(nonce) && (attempts !== '2' || !response.headers['x-routellm-fallback'])) return `fault without fallback (attempts ${attempts})`;
    if (!fallsBack(nonce) && attempts !== '1') return `attempts ${attempts} without a fault that falls back`;
  }
  return undefined;
}

/** Closed loop: `workers` clients back to back for `seconds`; returns completed requests per second. */
async function closedLoop(port: number, seconds: number, workers: number, nextNonce: () => number): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: workers });
  const end = Date.now() + seconds * 1000;
  let done = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (Date.now() < end) {
        const outcome = await send(port, agent, nextNonce(), process.hrtime.bigint(), true);
        // Only correct answers count: a fast failure must not pass for capacity.
        if (outcome.ok) done += 1;
        else failed += 1;
      }
    }),
  );
  agent.destroy();
  if (failed > 0) process.stderr.write(`closed loop: ${failed} failed answers left out of the rate\n`);
  return done / seconds;
}

/** Open loop at `rate` req/s for `seconds`: each request is sent at its scheduled time, latency counted from it. */
async function openLoop(port: number, rate: number, seconds: number, nextNonce: () => number, viaProxy: boolean, onSecond?: () => void): Promise<Outcome[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const total = Math.round(rate * seconds);
  const start = process.hrtime.bigint();
  const pending: Promise<Outcome>[] = [];
  let lastSecond = 0;
  for (let i = 0; i < total; i += 1) {
    const scheduled = start + BigInt(Math.round((i * 1e9) / rate));
    const wait = Number(scheduled - process.hrtime.bigint()) / 1e6;
    // Never early: a request sent before its slot would show a negative latency.
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, Math.ceil(wait)));
    const second = Math.floor(Number(process.hrtime.bigint() - start) / 1e9);
    if (second > lastSecond) {
      lastSecond = second;
      onSecond?.();
    }
    pending.push(send(port, agent, nextNonce(), scheduled, viaProxy));
  }
  const outcomes = await Promise.all(pending);
  agent.destroy();
  return outcomes;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

async function scrape(port: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  return response.text();
}

/** Sum of every series of one metric family, optionally filtered by a label fragment. */
function sumOf(metrics: string, name: string, fragment = ''): number {
  let total = 0;
  for (const line of metrics.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!line.includes(fragment)) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

/** Runs the load bench (about 80 s: LOAD_SECONDS, default 60, sets the timed run) and writes its section. */
export async function runLoadBench(): Promise<void> {
  const self = fileURLToPath(import.meta.url);
  const children: ChildProcess[] = [];
  try {
    const upstream = await spawnAndWait([self, '--role', 'upstream'], 'stdout', /PORT (\d+)/);
    children.push(upstream.child);
    const upstreamPort = Number(upstream.match[1]);
    let logLines = 0;
    let promptsInLog = 0;
    const serve = await spawnAndWait(
      [join(packageRoot(), 'bin', 'routellm.js'), 'serve', '--port', '0', '--routers', 'random', '--base-url', `http://127.0.0.1:${upstreamPort}/v1`, '--api-key', 'bench', '--strong-model', 'strong', '--weak-model', 'weak'],
      'stderr',
      /listening on http:\/\/127\.0\.0\.1:(\d+)/,
      (line) => {
        if (line.includes('"path":"/v1/chat/completions"')) logLines += 1;
        if (line.includes('Summarise request')) promptsInLog += 1;
      },
    );
    children.push(serve.child);
    const port = Number(serve.match[1]);
    const pid = serve.child.pid as number;
    let nonce = 1;
    const nextNonce = () => nonce++;

    // (1) What the machine holds through serve, closed loop.
    const maxRate = await closedLoop(port, CALIBRATE_S, CONCURRENCY, nextNonce);
    const rate = Math.max(50, Math.round((maxRate * RATE_SHARE) / 10) * 10);
    // (2) Baseline: the same rate straight to the upstream (fault nonces skipped: no proxy to absorb them).
    const directNonce = () => {
      let n = nextNonce();
      while (isFault(n)) n = nextNonce();
      return n;
    };
    const direct = await openLoop(upstreamPort, rate, BASELINE_S, directNonce, false);
    // (3) The timed run through serve.
    const before = await scrape(port);
    const logBefore = logLines;
    const firstNonce = nonce;
    const rss: number[] = [rssMb(pid)];
    const outcomes = await openLoop(port, rate, DURATION_S, nextNonce, true, () => rss.push(rssMb(pid)));
    rss.push(rssMb(pid));
    const sentNonces = Array.from({ length: nonce - firstNonce }, (_, i) => firstNonce + i);
    await new Promise((resolve) => setTimeout(resolve, 200)); // let the last log lines arrive
    const after = await scrape(port);
    const logCount = logLines - logBefore;

    const failed = outcomes.filter((outcome) => !outcome.ok);
    const lost = failed.filter((outcome) => outcome.problem?.startsWith('lost')).length;
    const mismatched = failed.filter((outcome) => outcome.problem?.startsWith('mismatched')).length;
    const requestsCounted = sumOf(after, 'routellm_requests_total') - sumOf(before, 'routellm_requests_total');
    const ok200 = sumOf(after, 'routellm_requests_total', 'status="200"') - sumOf(before, 'routellm_requests_total', 'status="200"');
    const fallbacks = sumOf(after, 'routellm_fallbacks_total') - sumOf(before, 'routellm_fallbacks_total');
    const faults = sentNonces.filter(fallsBack).length;
    const doneHangs = sentNonces.filter((n) => isFault(n) && faultOf(n) === 'done-hang' && n % 2 === 1).length;
    const inFlight = sumOf(after, 'routellm_in_flight_requests'); // the gauge leaves the scrape itself out
    const latencies = (list: Outcome[]) => list.filter((outcome) => outcome.ok).map((outcome) => outcome.latencyNs).sort((a, b) => a - b);
    const directSorted = latencies(direct);
    const proxySorted = latencies(outcomes);
    const cleanSorted = latencies(outcomes.filter((outcome) => !isFault(outcome.nonce)));
    const faultSorted = latencies(outcomes.filter((outcome) => isFault(outcome.nonce)));
    const ms = (ns: number) => (ns / 1e6).toFixed(2);
    const addedP50 = percentile(proxySorted, 0.5) - percentile(directSorted, 0.5);
    const addedP99 = percentile(proxySorted, 0.99) - percentile(directSorted, 0.99);
    const window = Math.max(3, Math.floor(rss.length / 4));
    const rssStart = median(rss.slice(1, 1 + window));
    const rssEnd = median(rss.slice(-window));
    const rssGrowth = (rssEnd - rssStart) / rssStart;
    const problems = [...new Set(failed.map((outcome) => outcome.problem))].slice(0, 5);

    // (4) CPU per request, serve with and without its metrics and request log, same fault-free load, alternated.
    const bare = await spawnAndWait([self, '--role', 'bare-serve', '--upstream', `http://127.0.0.1:${upstreamPort}/v1`], 'stdout', /PORT (\d+)/);
    children.push(bare.child);
    const bareCpu: number[] = [];
    const gatewayCpu: number[] = [];
    await cpuPerRequest(Number(bare.match[1]), bare.child.pid as number, 2000, nextNonce); // warm-up
    for (let round = 0; round < 3; round += 1) {
      bareCpu.push(await cpuPerRequest(Number(bare.match[1]), bare.child.pid as number, CPU_REQUESTS, nextNonce));
      gatewayCpu.push(await cpuPerRequest(port, pid, CPU_REQUESTS, nextNonce));
    }

    const verdicts = {
      noneLost: lost === 0 && failed.length === 0,
      noneMismatched: mismatched === 0,
      accounted: requestsCounted === outcomes.length && logCount === outcomes.length,
      fallbacks: fallbacks === faults,
      flat: rssGrowth < 0.1,
    };
    const yes = (value: boolean) => (value ? 'yes' : '**NO**');
    const markdown = `## Load under faults (\`npm run bench:load\`)

One run of \`bench/load.ts\` on this machine (2 cores, Node ${process.version}, ${new Date().toISOString().slice(0, 16)}Z):
the real \`routellm serve\` (gateway on: request guard, limiter, fallback, metrics, pino log to a pipe) in front of
an upstream on 127.0.0.1 that fails 1% of requests on their first attempt (500, 429, dropped connection,
malformed JSON or SSE, a keep-alive comment then an error event (a 503 for a plain request), and \`[DONE]\` then a
response held open (streams only; it must end at \`[DONE]\` on the first attempt), in turn); the load generator in this process. Half the requests stream (half of those
ask for usage). Rate: ${RATE_SHARE} of the ${Math.round(maxRate)} req/s serve held with ${CONCURRENCY} closed-loop clients.
Latency is counted from each request's scheduled send time (open loop); added latency is against the same
open-loop rate sent straight to the upstream in the same run (${BASELINE_S} s, no faults). Percentiles and medians by nearest rank (bench/bench-helpers.ts, the one rule of every bench).

| measure | value |
| --- | ---: |
| timed run | ${DURATION_S} s at ${rate} req/s open loop |
| requests sent / answered correctly | ${outcomes.length} / ${outcomes.length - failed.length} |
| lost (no answer) / mismatched (wrong body) / other failures | ${lost} / ${mismatched} / ${failed.length - lost - mismatched} |
| injected faults that fall back / answered through fallback (\`routellm_fallbacks_total\`) | ${faults} / ${fallbacks} |
| streams whose upstream held its response open after \`[DONE]\` / answered whole on the first attempt | ${doneHangs} / ${doneHangs - failed.filter((outcome) => isFault(outcome.nonce) && faultOf(outcome.nonce) === 'done-hang').length} |
| \`routellm_requests_total\` increase (status 200) | ${requestsCounted} (${ok200}) |
| request log lines for chat completions | ${logCount} (prompt text in log: ${promptsInLog}) |
| in-flight gauge after the run | ${inFlight} |
| latency direct p50 / p99 | ${ms(percentile(directSorted, 0.5))} ms / ${ms(percentile(directSorted, 0.99))} ms |
| latency through serve p50 / p99 | ${ms(percentile(proxySorted, 0.5))} ms / ${ms(percentile(proxySorted, 0.99))} ms |
| **added latency p50 / p99** | **${ms(addedP50)} ms / ${ms(addedP99)} ms** |
| added latency p99, requests without a fault | ${ms(percentile(cleanSorted, 0.99) - percentile(directSorted, 0.99))} ms |
| requests with a fault (two upstream attempts) p50 / p99 | ${ms(percentile(faultSorted, 0.5))} ms / ${ms(percentile(faultSorted, 0.99))} ms |
| server CPU per request, the pipeline unwatched / serve as shipped (median of 3 × ${CPU_REQUESTS}) | ${median(bareCpu).toFixed(0)} µs / ${median(gatewayCpu).toFixed(0)} µs (${(median(gatewayCpu) / median(bareCpu)).toFixed(2)}×) |
| serve RSS: start / end / peak of ${rss.length} samples (1 per s) | ${rssStart.toFixed(0)} MB / ${rssEnd.toFixed(0)} MB / ${Math.max(...rss).toFixed(0)} MB |

Zero lost: ${yes(verdicts.noneLost)}. Zero mismatched: ${yes(verdicts.noneMismatched)}. Every request in metrics and the log: ${yes(verdicts.accounted)}.
Every fault absorbed by a fallback: ${yes(verdicts.fallbacks)}. RSS flat (end within 10% of start, ${(rssGrowth * 100).toFixed(1)}%): ${yes(verdicts.flat)}.${
      problems.length > 0 ? `\nFirst failures: ${problems.map((problem) => `\`${problem}\``).join('; ')}` : ''
    }`;
    await writeBenchSection('load', markdown);
    process.stdout.write(`${markdown}\n`);
    if (!Object.values(verdicts).every(Boolean)) process.exitCode = 1;
  } finally {
    for (const child of children) child.kill('SIGTERM');
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const role = process.argv[process.argv.indexOf('--role') + 1];
  const run = !process.argv.includes('--role')
    ? runLoadBench()
    : role === 'bare-serve'
      ? bareServeRole(process.argv[process.argv.indexOf('--upstream') + 1] as string)
      : upstreamRole();
  run.catch((error: unknown) => {
    process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  });
}
