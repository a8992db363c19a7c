import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Decider, ShareCalibrator, type Router } from '../src/core/index.js';
import { loadShareTables } from '../src/calibrate/load-calibration-table.js';
import { createBuiltinRegistry } from '../src/routers/builtin-registry.js';
import { DEFAULT_ROUTER } from '../src/routers/default-router.js';
import { nodeRouterContext } from '../src/runtime/node-router-context.js';
import { packageRoot } from '../src/runtime/package-paths.js';
import { RedisShareState } from '../src/shares/redis-share-state.js';
import { startUpstreamServer } from '../test/helpers/upstream-server.js';
import { writeBenchSection } from './benchmarks-md.js';
import { cpuMicros, freePort, median, saturate, spawnLoggingToFile } from './bench-helpers.js';

/*
 * What a live share costs on the request path. (1) The decision in-process: Decider.routeChat
 * on the same bodies, one call at a time, interleaving a numeric threshold, a share resolved by
 * the table (both: the path before live shares), a live share in memory, and a live share whose
 * window syncs with a real redis-server every 250 ms in the background; p50 per variant.
 * (2) Throughput at saturation through `routellm serve` (child processes, stderr to a file):
 * the same serve with a numeric threshold, a live share, and a live share kept in Redis,
 * interleaved rounds. Needs redis-server on PATH (.ci/run installs it).
 */

const DECISIONS = 20_000;
const WARMUP = 2_000;
const SATURATION_CONCURRENCY = 50;
const SATURATION_SECONDS = 2;
const SATURATION_WARMUP_SECONDS = 0.5;
const ROUNDS = 3;
const TARGET_ADDED_P50_US = 20;

const PROMPTS = [
  'Explain the difference between TCP and UDP in two sentences.',
  'Prove that there are infinitely many primes.',
  'Write a haiku about autumn.',
  'A train leaves at 3 pm at 60 km/h; another at 4 pm at 80 km/h. When does the second catch up?',
  'Summarise the causes of the First World War.',
  'What is 17 * 23?',
  'Refactor this function to use async/await: function f(cb) { g(function (e, r) { cb(e, r); }); }',
  'Translate "good morning" into French, German and Japanese.',
];

async function startRedis(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.on('error', (error) => reject(new Error(`redis-server: ${error.message} (install the Debian package redis-server)`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolve();
    });
  });
  return { url: `redis://127.0.0.1:${port}/0`, child };
}

const quiet = { warn: (line: string) => process.stderr.write(`  ${line}\n`), info: () => {} };

/** (1) The decision, in-process, for one router. */
async function decisionCost(routerName: string, redisUrl: string) {
  const context = nodeRouterContext({ env: {} });
  const routers = (await createBuiltinRegistry().build([routerName], {}, context)) as Map<string, Router>;
  const { resolveShare } = await loadShareTables(routers, context);
  const pair = { strong: 'strong', weak: 'weak' };
  const before = new Decider({ pair, routers, ...(resolveShare ? { resolveShare } : {}) });
  const live = new Decider({ pair, routers, ...(resolveShare ? { resolveShare } : {}), liveShares: new ShareCalibrator() });
  const sharedShares = new ShareCalibrator({ sharing: true });
  const shared = new Decider({ pair, routers, ...(resolveShare ? { resolveShare } : {}), liveShares: sharedShares });
  const store = new RedisShareState(new URL(redisUrl), sharedShares, { log: quiet });
  await store.start();
  const variants = [
    { name: 'numeric threshold (before and after)', controller: before, model: `router-${routerName}-0.2` },
    { name: 'share from the table (before)', controller: before, model: `router-${routerName}-30%` },
    { name: 'live share, in memory', controller: live, model: `router-${routerName}-30%` },
    { name: 'live share, synced with Redis', controller: shared, model: `router-${routerName}-30%` },
  ];
  const times = variants.map(() => [] as number[]);
  try {
    for (let i = 0; i < WARMUP + DECISIONS; i += 1) {
      const body = { model: '', messages: [{ role: 'user', content: `${PROMPTS[i % PROMPTS.length]} (${i})` }] };
      for (let step = 0; step < variants.length; step += 1) {
        const index = (i + step) % variants.length; // rotate who goes first
        const variant = variants[index] as (typeof variants)[number];
        body.model = variant.model;
        const start = process.hrtime.bigint();
        await variant.controller.routeChat(body);
        const ns = Number(process.hrtime.bigint() - start);
        if (i >= WARMUP) times[index]?.push(ns);
      }
      // Let the background sync run, as it does between requests in a server.
      if (i % 200 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    await store.close();
  }
  return variants.map((variant, index) => ({ name: variant.name, p50Us: median(times[index] as number[]) / 1000 }));
}

function send(port: number, agent: http.Agent, body: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port, path: '/v1/chat/completions', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': body.length } },
      (response) => {
        if (response.statusCode !== 200) reject(new Error(`status ${response.statusCode}`));
        response.resume();
        response.on('end', () => resolve());
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

function saturation(port: number, agent: http.Agent, body: Buffer, seconds: number) {
  return saturate(SATURATION_CONCURRENCY, seconds, () => send(port, agent, body));
}

/** (2) Throughput of serve at saturation: numeric threshold, live share, live share in Redis. */
async function serveThroughput(redisUrl: string) {
  const logDir = mkdtempSync(join(tmpdir(), 'routellm-share-bench-'));
  const upstream = await startUpstreamServer({ record: false });
  const children: ChildProcess[] = [];
  try {
    const bin = join(packageRoot(), 'bin', 'routellm.js');
    const common = ['serve', '--port', '0', '--routers', 'random', '--base-url', upstream.baseURL, '--api-key', 'bench', '--strong-model', 'strong', '--weak-model', 'weak'];
    const start = async (name: string, extra: string[], model: string) => {
      const { child, match } = await spawnLoggingToFile([bin, ...common, ...extra], join(logDir, `${children.length}.log`), /listening on http:\/\/127\.0\.0\.1:(\d+)/);
      children.push(child);
      const body = Buffer.from(JSON.stringify({ model, messages: [{ role: 'user', content: PROMPTS[0] }] }));
      return { name, port: Number(match[1]), pid: child.pid as number, body, agent: new http.Agent({ keepAlive: true, maxSockets: SATURATION_CONCURRENCY + 14 }) };
    };
    const variants = [
      { name: 'numeric threshold router-random-0.5 (the path before)', extra: [] as string[], model: 'router-random-0.5' },
      { name: 'live share router-random-30%, in memory', extra: [], model: 'router-random-30%' },
      { name: 'live share router-random-30%, --share-state redis://', extra: ['--share-state', redisUrl], model: 'router-random-30%' },
    ];
    // Two processes per variant, spawned in mirrored order (A B C C B A): in A/B runs the first
    // process spawned ran 10-25% slower whatever its variant, so each variant gets one early and one late.
    const order = [...variants.keys(), ...[...variants.keys()].reverse()];
    const endpoints: ({ variant: number } & Awaited<ReturnType<typeof start>>)[] = [];
    for (const variant of order) endpoints.push({ variant, ...(await start(variants[variant]?.name as string, variants[variant]?.extra ?? [], variants[variant]?.model as string)) });
    const runs = endpoints.map(() => [] as { rps: number; cpuUs: number; done: number; errors: number }[]);
    for (let round = 0; round < ROUNDS; round += 1) {
      // The first endpoint of a round runs on a colder machine: rotate who goes first.
      for (let step = 0; step < endpoints.length; step += 1) {
        const index = (round + step) % endpoints.length;
        const endpoint = endpoints[index] as (typeof endpoints)[number];
        await saturation(endpoint.port, endpoint.agent, endpoint.body, SATURATION_WARMUP_SECONDS);
        const before = cpuMicros(endpoint.pid);
        const result = await saturation(endpoint.port, endpoint.agent, endpoint.body, SATURATION_SECONDS);
        runs[index]?.push({ ...result, cpuUs: cpuMicros(endpoint.pid) - before });
      }
    }
    /** A variant's throughput in one round: the mean of its two processes. */
    const roundRps = (variant: number, round: number) => {
      const mine = endpoints.flatMap((endpoint, index) => (endpoint.variant === variant ? [runs[index]?.[round]?.rps ?? Number.NaN] : []));
      return mine.reduce((sum, rps) => sum + rps, 0) / mine.length;
    };
    const rounds = [...Array(ROUNDS).keys()];
    return variants.map((variant, v) => {
      const all = endpoints.flatMap((endpoint, index) => (endpoint.variant === v ? (runs[index] ?? []) : []));
      return {
        name: variant.name,
        rps: median(rounds.map((round) => roundRps(v, round))),
        ratio: median(rounds.map((round) => roundRps(v, round) / roundRps(0, round))),
        cpuPerRequestUs: all.reduce((sum, run) => sum + run.cpuUs, 0) / Math.max(1, all.reduce((sum, run) => sum + run.done, 0)),
        errors: all.reduce((sum, run) => sum + run.errors, 0),
      };
    });
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await upstream.close();
    rmSync(logDir, { recursive: true, force: true });
  }
}

export async function runShareOverheadBench(): Promise<void> {
  const redis = await startRedis();
  try {
    const decisionRows: string[] = [];
    const verdicts: string[] = [];
    for (const router of ['random', DEFAULT_ROUTER]) {
      process.stderr.write(`  decisions: ${router}\n`);
      const [numeric, table, memory, shared] = (await decisionCost(router, redis.url)) as { name: string; p50Us: number }[] as [
        { name: string; p50Us: number },
        { name: string; p50Us: number },
        { name: string; p50Us: number },
        { name: string; p50Us: number },
      ];
      for (const row of [numeric, table, memory, shared]) {
        const added = row === numeric || row === table ? '' : ` | **${(row.p50Us - table.p50Us).toFixed(2)} µs**`;
        decisionRows.push(`| \`${router}\` | ${row.name} | ${row.p50Us.toFixed(2)} µs${added || ' | -'} |`);
      }
      for (const row of [memory, shared]) {
        const added = row.p50Us - table.p50Us;
        verdicts.push(`${router}, ${row.name}: ${added.toFixed(2)} µs (${added <= TARGET_ADDED_P50_US ? 'met' : '**NOT met**'})`);
      }
    }
    process.stderr.write('  serve at saturation\n');
    const throughput = await serveThroughput(redis.url);
    const throughputRows = throughput.map(
      (row) => `| ${row.name} | ${row.rps.toFixed(0)} req/s | ${row.ratio.toFixed(2)} | ${row.cpuPerRequestUs.toFixed(0)} µs | ${row.errors} |`,
    );
    const markdown = `## Live shares: cost on the request path (\`bench/share-overhead.ts\`)

One run on this machine (${cpus().length} cores, Node ${process.version}, ${new Date().toISOString().slice(0, 16)}Z), shared with other engineers' work
(load average ${loadavg()[0]?.toFixed(1)} when the run ended), so absolute figures move between runs; compare rows of one run. (1) \`Decider.routeChat\` in-process, ${DECISIONS.toLocaleString('en-US')}
calls per variant after ${WARMUP.toLocaleString('en-US')} of warm-up, variants interleaved call by call (the first rotating), the same bodies;
the Redis variant's window syncs with a real \`redis-server\` on 127.0.0.1 every 250 ms in the background. The
added cost is the live share's p50 minus the table share's p50 (the path before live shares). (2) \`routellm serve
--routers random\` as shipped (request log to a file), two processes per variant spawned in mirrored order (the
first process spawned ran 10-25% slower in A/B runs of identical configurations), ${SATURATION_CONCURRENCY} concurrent workers,
${ROUNDS} interleaved rounds of ${SATURATION_SECONDS} s after ${SATURATION_WARMUP_SECONDS} s of warm-up per process, the first rotating; a variant's
throughput in a round is the mean of its two processes; ratio against the numeric threshold in the same round.

| router | decision | p50 | added over the table share (target <= ${TARGET_ADDED_P50_US} µs) |
| --- | --- | ---: | ---: |
${decisionRows.join('\n')}

| serve | throughput (median round, mean of 2 processes) | ratio to the numeric threshold | serve CPU per request | failed requests |
| --- | ---: | ---: | ---: | ---: |
${throughputRows.join('\n')}

Added decision cost: ${verdicts.join('; ')}.
`;
    await writeBenchSection('share-overhead', markdown);
    process.stdout.write(`${markdown}\n`);
  } finally {
    redis.child.kill('SIGTERM');
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runShareOverheadBench().catch((error: unknown) => {
    process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  });
}
