import type { ChildProcess } from 'node:child_process';
import http from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkJsonStructure, MAX_JSON_VALUES, MAX_KEYS_PER_OBJECT } from '../src/server/chat/json-structure.js';
import { packageRoot } from '../src/runtime/package-paths.js';
import { spliceBody } from '../src/upstream/splice-body.js';
import { median, spawnAndWait } from './bench-helpers.js';
import { writeBenchSection } from './benchmarks-md.js';
import { spawnUpstreamProcess } from './upstream-process.js';

/*
 * Event-loop stalls from hostile request bodies (issue 12): a 10 MiB body of ~870k keys held
 * `serve`'s event loop for seconds (JSON.parse, the structure scan and the re-serialisation all
 * synchronous), so /health stalled with it. (1) The options, timed in this process on the same
 * bodies: the old pipeline (unbounded scan, parse, stringify), the scan bounded by key and value
 * limits (what serve now does), and, for a legitimate 10 MiB body, re-serialising vs splicing the
 * new `model` into the original text. (2) The real `routellm serve` in a child process, /health
 * polled back to back from this one while each body is sent: its worst latency during the request.
 */

const MIB = 1024 * 1024;
const POLL_AROUND_MS = 300;

/** The bodies: name, text, whether serve should accept it. */
function bodies(): { name: string; text: string; accepted: boolean }[] {
  const head = '{"model":"router-random-0.5","messages":[{"role":"user","content":"hi"}],';
  const fill = (make: (i: number) => string, bytes: number) => {
    const parts: string[] = [];
    let size = 0;
    for (let i = 0; size < bytes; i += 1) {
      const part = make(i);
      parts.push(part);
      size += part.length + 1;
    }
    return parts.join(',');
  };
  const oneObject = `${head}"metadata":{${fill((i) => `"k${i}":1`, 10 * MIB - 200)}}}`;
  const smallObjects = `${head}"extra":[${fill((i) => `{"a":${i % 10}}`, 10 * MIB - 200)}]}`;
  const message = 'lorem ipsum dolor sit amet '.repeat(380); // about 10 KB
  const legit = JSON.stringify({ model: 'router-random-0.5', messages: Array.from({ length: 1000 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `${i} ${message}` })) });
  const atLimits = `${head}"metadata":{${Array.from({ length: MAX_KEYS_PER_OBJECT }, (_, i) => `"k${i}":1`).join(',')}},"extra":[${Array.from({ length: MAX_JSON_VALUES - MAX_KEYS_PER_OBJECT - 20 }, () => '1').join(',')}]}`;
  return [
    { name: `one object of ${countKeys(oneObject)} keys, ${(oneObject.length / MIB).toFixed(1)} MiB`, text: oneObject, accepted: false },
    { name: `${countKeys(smallObjects)} one-key objects, ${(smallObjects.length / MIB).toFixed(1)} MiB`, text: smallObjects, accepted: false },
    { name: `at the limits: ${MAX_KEYS_PER_OBJECT} keys in one object, ${MAX_JSON_VALUES - 20} values, ${(atLimits.length / MIB).toFixed(1)} MiB`, text: atLimits, accepted: true },
    { name: `legitimate: 1,000 messages of 10 KB, ${(legit.length / MIB).toFixed(1)} MiB`, text: legit, accepted: true },
  ];
}

function countKeys(text: string): number {
  return (text.match(/":/g) ?? []).length;
}

function time(run: () => unknown): number {
  const started = performance.now();
  try {
    run();
  } catch {
    // a refusal ends the work: its time is what counts
  }
  return performance.now() - started;
}

/** Median of 3 runs of `run`, in ms. */
function timed(run: () => unknown): number {
  return median([time(run), time(run), time(run)]);
}

const UNBOUNDED = { maxDepth: 64, maxKeysPerObject: Number.POSITIVE_INFINITY, maxValues: Number.POSITIVE_INFINITY };


function get(agent: http.Agent, port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      })
      .on('error', reject);
  });
}

function post(port: number, text: string): Promise<{ status: number; ms: number }> {
  const body = Buffer.from(text);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, path: '/v1/chat/completions', method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': body.length } }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0, ms: performance.now() - started }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** Polls /health back to back while `during` runs (plus POLL_AROUND_MS either side); returns the worst latency during it. */
async function healthDuring(port: number, during: () => Promise<unknown>): Promise<{ worstMs: number; polls: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let polling = true;
  let inside = false;
  let worst = 0;
  let polls = 0;
  const poller = (async () => {
    while (polling) {
      const started = performance.now();
      const wasInside = inside;
      await get(agent, port, '/health');
      const ms = performance.now() - started;
      if (wasInside || inside) {
        worst = Math.max(worst, ms);
        polls += 1;
      }
    }
  })();
  await new Promise((resolve) => setTimeout(resolve, POLL_AROUND_MS));
  inside = true;
  await during();
  inside = false;
  await new Promise((resolve) => setTimeout(resolve, POLL_AROUND_MS));
  polling = false;
  await poller;
  agent.destroy();
  return { worstMs: worst, polls };
}

/** Runs the body-stall bench (about 30 s) and writes its section. */
export async function runBodyStallBench(): Promise<void> {
  const children: ChildProcess[] = [];
  try {
    const cases = bodies();
    // (1) The options, in this process.
    const rows = cases.map(({ name, text }) => {
      const parsed = JSON.parse(text) as Record<string, unknown>;
      const scan = timed(() => checkJsonStructure(text, UNBOUNDED));
      const parse = timed(() => JSON.parse(text));
      const stringify = timed(() => Buffer.from(JSON.stringify({ ...parsed, model: 'upstream-model' })));
      const bounded = timed(() => checkJsonStructure(text));
      // The place of `model` as serve's scan records it (without the limits, so the refused bodies are measured too).
      const bytes = Buffer.from(text);
      const at = text.indexOf('"model":"') + 8;
      const source = { bytes, modelStart: at, modelEnd: text.indexOf('"', at + 1) + 1, openEnd: 1 };
      const spliced = timed(() => spliceBody(source, 'upstream-model', false));
      return { name, scan, parse, stringify, bounded, spliced };
    });
    // (2) /health during each body, through the real serve.
    const upstream = await spawnUpstreamProcess();
    children.push(upstream.child);
    const serve = await spawnAndWait(
      [join(packageRoot(), 'bin', 'routellm.js'), 'serve', '--port', '0', '--routers', 'random', '--base-url', upstream.baseURL, '--strong-model', 'strong', '--weak-model', 'weak'],
      'stderr',
      /listening on http:\/\/127\.0\.0\.1:(\d+)/,
    );
    children.push(serve.child);
    const port = Number(serve.match[1]);
    const idle = await healthDuring(port, () => new Promise((resolve) => setTimeout(resolve, 300)));
    const live: { status: number; ms: number; worstMs: number; accepted: boolean }[] = [];
    for (const { text, accepted } of cases) {
      let outcome = { status: 0, ms: 0 };
      const health = await healthDuring(port, async () => {
        outcome = await post(port, text);
      });
      live.push({ ...outcome, worstMs: health.worstMs, accepted });
    }
    const f = (ms: number) => (ms < 10 ? ms.toFixed(1) : ms.toFixed(0));
    const markdown = `## Event-loop stalls from large request bodies (\`bench/body-stall.ts\`)

One run, ${new Date().toISOString().slice(0, 16)}Z, Node ${process.version}, 2 cores shared with other work. Each body below, (1) timed in one
process, median of 3, ms: the old pipeline's unbounded structure scan, \`JSON.parse\`, and re-serialising the body
with the new \`model\`; the scan with serve's limits (${MAX_KEYS_PER_OBJECT} keys in one object, ${MAX_JSON_VALUES} values), which refuses
the first two bodies as soon as it passes a limit; and splicing the model into the client's bytes instead of
re-serialising (\`src/upstream/splice-body.ts\`: what serve now forwards). (2) Sent to the real \`routellm serve\` (child process) while this process polls \`/health\` back to
back: the request's status and time, and the worst \`/health\` latency while it ran (idle: ${f(idle.worstMs)} ms).

| body | old scan | parse | stringify | bounded scan | splice | serve status | request ms | worst /health ms |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${rows.map((row, index) => `| ${row.name} | ${f(row.scan)} | ${f(row.parse)} | ${f(row.stringify)} | ${f(row.bounded)} | ${f(row.spliced)} | ${live[index]?.status} | ${f(live[index]?.ms ?? 0)} | ${f(live[index]?.worstMs ?? 0)} |`).join('\n')}

Before, a hostile body cost the event loop its scan + parse + stringify (first row: ${f((rows[0]?.scan ?? 0) + (rows[0]?.parse ?? 0) + (rows[0]?.stringify ?? 0))} ms here); now it
costs the bounded scan. A body that passes costs its parse and the splice, not a second serialisation.`;
    await writeBenchSection('body-stall', markdown);
    process.stdout.write(`${markdown}\n`);
    const wrong = live.filter((entry) => (entry.status === 200) !== entry.accepted);
    if (wrong.length > 0) {
      process.stderr.write(`unexpected statuses: ${JSON.stringify(wrong)}\n`);
      process.exitCode = 1;
    }
  } finally {
    for (const child of children) child.kill('SIGTERM');
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runBodyStallBench().catch((error: unknown) => {
    process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  });
}
