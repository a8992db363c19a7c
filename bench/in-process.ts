import { cpus } from 'node:os';
import { pathToFileURL } from 'node:url';
import OpenAI from 'openai';
import { Controller } from '../src/controller/controller.js';
import { percentile } from './bench-helpers.js';
import { writeBenchSection } from './benchmarks-md.js';
import { spawnUpstreamProcess } from './upstream-process.js';

/*
 * What the in-process path adds to a call (issue 14: <= 50 µs p50): the Controller's
 * chat.completions.create (routing with `random`, the pipeline's checks, clocks, fallback and
 * accounting, the openai package's types back) against the openai client called straight at the
 * same upstream. The upstream runs in its own process; calls go one at a time, alternating, so the
 * machine's drift hits both alike. Then CPU per call with 50 in flight.
 */

const SEQUENTIAL = 3_000;
const WARMUP = 500;
const CONCURRENCY = 50;
const CONCURRENT_CALLS = 6_000;

const messages = [{ role: 'user' as const, content: 'Explain the difference between TCP and UDP in two sentences.' }];

type Call = (stream: boolean) => Promise<unknown>;

async function readAll(answer: unknown): Promise<void> {
  if (answer !== null && typeof answer === 'object' && Symbol.asyncIterator in answer) {
    for await (const _chunk of answer as AsyncIterable<unknown>) void _chunk;
  }
}

async function sequential(calls: readonly Call[], stream: boolean): Promise<{ p50: number; p99: number }[]> {
  const latencies = calls.map(() => [] as number[]);
  for (let i = 0; i < WARMUP + SEQUENTIAL; i += 1) {
    for (let step = 0; step < calls.length; step += 1) {
      const index = (i + step) % calls.length;
      const start = process.hrtime.bigint();
      await readAll(await (calls[index] as Call)(stream));
      if (i >= WARMUP) latencies[index]?.push(Number(process.hrtime.bigint() - start) / 1e3);
    }
  }
  return latencies.map((values) => {
    const sorted = values.sort((a, b) => a - b);
    return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
  });
}

async function cpuPerCall(call: Call, stream: boolean): Promise<number> {
  let sent = 0;
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (sent < CONCURRENT_CALLS) {
        sent += 1;
        await readAll(await call(stream));
      }
    }),
  );
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / CONCURRENT_CALLS;
}

/** Runs the comparison and writes its BENCHMARKS.md section. */
export async function runInProcessBench(): Promise<void> {
  const upstream = await spawnUpstreamProcess();
  let controller: Controller | undefined;
  try {
    const baseURL = upstream.baseURL;
    const client = new OpenAI({ baseURL, apiKey: 'bench', maxRetries: 0 });
    controller = await Controller.create({ routers: ['random'], strongModel: 'strong', weakModel: 'weak', baseURL, apiKey: 'bench', env: {}, logger: { info() {}, warn() {} } });
    const inProcess = controller;
    const direct: Call = (stream) => client.chat.completions.create({ model: 'weak', messages, stream } as never);
    const routed: Call = (stream) => inProcess.chat.completions.create({ model: 'router-random-0.5', messages, stream } as never);
    const rows: string[] = [];
    for (const stream of [false, true]) {
      const [straight, through] = (await sequential([direct, routed], stream)) as [{ p50: number; p99: number }, { p50: number; p99: number }];
      const cpuDirect = await cpuPerCall(direct, stream);
      const cpuRouted = await cpuPerCall(routed, stream);
      const added = through.p50 - straight.p50;
      const mode = stream ? 'streaming' : 'non-streaming';
      rows.push(`| ${mode} | ${straight.p50.toFixed(0)} µs | ${through.p50.toFixed(0)} µs | **${added.toFixed(0)} µs** | ${added <= 50 ? 'met' : '**NOT met**'} | ${straight.p99.toFixed(0)} / ${through.p99.toFixed(0)} µs | ${cpuDirect.toFixed(0)} / ${cpuRouted.toFixed(0)} µs |`);
    }
    const markdown = `## In-process: the Controller against the openai client (\`bench/in-process.ts\`)

One run on this machine (${cpus().length} cores, Node ${process.version}, ${new Date().toISOString().slice(0, 16)}Z): the upstream test server in its
own process; in this one, the \`openai\` client called straight at it (\`model: weak\`) and \`controller.chat.completions.create\`
(\`router-random-0.5\`: routing, the request checks, clocks, fallback, accounting, live shares off for a numeric threshold),
${SEQUENTIAL} calls each after ${WARMUP} warm-up, one at a time, alternating; answers read whole (a stream to its end). Then ${CONCURRENT_CALLS}
calls with ${CONCURRENCY} in flight, for the CPU per call. The Controller posts through undici's Agent (the pass-through), the client over
Node's fetch: the Controller's call can cost less than the client's own.

| mode | openai client, p50 | Controller, p50 | added p50 | target <= 50 µs | p99 client / Controller | CPU per call client / Controller |
| --- | ---: | ---: | ---: | --- | ---: | ---: |
${rows.join('\n')}
`;
    await writeBenchSection('in-process', markdown);
    process.stdout.write(`${markdown}\n`);
  } finally {
    await controller?.close();
    upstream.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runInProcessBench().catch((error: unknown) => {
    process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  });
}
