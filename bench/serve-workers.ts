import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../src/runtime/package-paths.js';
import { writeBenchSection } from './benchmarks-md.js';
import { median, saturate, spawnLoggingToFile } from './bench-helpers.js';
import { spawnUpstreamProcess } from './upstream-process.js';

/*
 * `serve --workers 2` against `--workers 1`, in one run, against the same local upstream (a child
 * process of its own) with the load generator here: all on this machine's cores.
 * - Throughput at saturation: 50 concurrent keep-alive connections back to back for a few seconds,
 *   rounds interleaving the two servers; the ratio is the median round's.
 * - Share drift: 1,200 requests to router-random-30% from 8 concurrent clients; the share of the
 *   last 1,000 that the strong model answered, with the windows held together by the primary (2)
 *   or in the one process (1).
 */

const CONCURRENCY = 50;
const ROUND_SECONDS = 2;
const WARMUP_SECONDS = 1;
const ROUNDS = 7;
const SHARE_REQUESTS = 1200;
const SHARE_JUDGED = 1000;
const SHARE_CLIENTS = 8;
const TARGET_RATIO = 1.3;
const PROMPT = 'Explain the difference between TCP and UDP in two sentences.';

function post(port: number, agent: http.Agent, model: string): Promise<string> {
  const body = Buffer.from(JSON.stringify({ model, messages: [{ role: 'user', content: PROMPT }] }));
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port, path: '/v1/chat/completions', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': body.length } },
      (response) => {
        let text = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        response.on('end', () => (response.statusCode === 200 ? resolve(text) : reject(new Error(`status ${response.statusCode}: ${text.slice(0, 200)}`))));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** Completed requests per second with CONCURRENCY connections back to back for `seconds`. */
async function saturation(port: number, seconds: number): Promise<{ rps: number; errors: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const { rps, errors } = await saturate(CONCURRENCY, seconds, () => post(port, agent, 'router-random-50%'));
  agent.destroy();
  return { rps, errors };
}

/** The share of the last SHARE_JUDGED requests to router-random-30% that the strong model answered. */
async function shareHeld(port: number): Promise<number> {
  const agent = new http.Agent({ keepAlive: false });
  const models: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: SHARE_CLIENTS }, async () => {
      while (next < SHARE_REQUESTS) {
        next += 1;
        models.push((JSON.parse(await post(port, agent, 'router-random-30%')) as { model: string }).model);
      }
    }),
  );
  const judged = models.slice(-SHARE_JUDGED);
  return judged.filter((model) => model === 'strong').length / judged.length;
}

/** Runs the bench (about 40 s) and writes its BENCHMARKS.md section. */
export async function runServeWorkersBench(): Promise<void> {
  const children: ChildProcess[] = [];
  const logDir = mkdtempSync(join(tmpdir(), 'routellm-bench-workers-'));
  const loadBefore = loadavg()[0] as number;
  try {
    const upstream = await spawnUpstreamProcess();
    children.push(upstream.child);
    const bin = join(packageRoot(), 'bin', 'routellm.js');
    const serve = async (workers: number) => {
      const args = [bin, 'serve', '--workers', String(workers), '--port', '0', '--routers', 'random', '--base-url', upstream.baseURL, '--api-key', 'bench', '--strong-model', 'strong', '--weak-model', 'weak', '--no-probe'];
      const started = await spawnLoggingToFile(args, join(logDir, `serve-${workers}.log`), workers === 1 ? /listening on http:\/\/127\.0\.0\.1:(\d+)/ : /workers serving on http:\/\/127\.0\.0\.1:(\d+)/);
      children.push(started.child);
      return Number(started.match[1]);
    };
    const one = await serve(1);
    const two = await serve(2);
    await saturation(one, WARMUP_SECONDS);
    await saturation(two, WARMUP_SECONDS);
    const rounds: { one: number; two: number; errors: number }[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      // Alternating which goes first, so drift in the other engineers' load hits both alike.
      const first = round % 2 === 0 ? await saturation(one, ROUND_SECONDS) : undefined;
      const second = await saturation(two, ROUND_SECONDS);
      const third = first ?? (await saturation(one, ROUND_SECONDS));
      rounds.push({ one: third.rps, two: second.rps, errors: third.errors + second.errors });
    }
    const ratios = rounds.map((round) => round.two / round.one);
    const ratio = median(ratios);
    const ofMedians = median(rounds.map((round) => round.two)) / median(rounds.map((round) => round.one));
    const spread = `${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}`;
    const ones = rounds.map((round) => round.one);
    const swing = Math.max(...ones) / Math.min(...ones);
    const shareOne = await shareHeld(one);
    const shareTwo = await shareHeld(two);
    const loadAfter = loadavg()[0] as number;
    const check = ratio >= TARGET_RATIO ? 'met' : '**not met**';
    const rows = rounds.map((round, index) => `| ${index + 1} | ${round.one.toFixed(0)} req/s | ${round.two.toFixed(0)} req/s | ${(round.two / round.one).toFixed(2)} | ${round.errors} |`);
    const markdown = `## serve --workers 2 against one worker (bench/serve-workers.ts)

The same local upstream (its own process), each server started with \`--routers random\`, the load generator in the
bench process: ${cpus().length} cores for all of them, shared with other engineers' work (load average ${loadBefore.toFixed(1)} at the start,
${loadAfter.toFixed(1)} at the end). ${CONCURRENCY} keep-alive connections back to back for ${ROUND_SECONDS} s per server per round, rounds
interleaved after a ${WARMUP_SECONDS} s warm-up of each; the ratio is the median round's.

| round | --workers 1 | --workers 2 | ratio | errors |
|---|---|---|---|---|
${rows.join('\n')}

**--workers 2 / --workers 1 at saturation: ${ratio.toFixed(2)}x** (median of the rounds' ratios; target >= ${TARGET_RATIO}x: ${check}).
The rounds' ratios range ${spread} and the ratio of the two medians is ${ofMedians.toFixed(2)}x: with other engineers' processes
competing for the same 2 cores, one server's throughput moved ${swing.toFixed(1)}x between rounds of this run, so the figure is this run's, not a property of
--workers. Two workers can only gain where a second core is free for the second worker; here the upstream and the load
generator need cores too.

Share drift: ${SHARE_REQUESTS} requests to \`router-random-30%\` from ${SHARE_CLIENTS} concurrent clients (a new connection each, so the
primary spreads them over the workers); of the last ${SHARE_JUDGED}, the strong model answered **${(shareTwo * 100).toFixed(1)}%** with
2 workers holding the window together through the primary (synced every 250 ms), **${(shareOne * 100).toFixed(1)}%** with one process.
`;
    await writeBenchSection('serve-workers', markdown);
    process.stdout.write(markdown);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 500));
    rmSync(logDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runServeWorkersBench().catch((error: unknown) => {
    process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  });
}
