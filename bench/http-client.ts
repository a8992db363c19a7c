import http from 'node:http';
import { cpus } from 'node:os';
import { pathToFileURL } from 'node:url';
import OpenAI from 'openai';
import { Pool } from 'undici';
import { LightAbort } from '../src/upstream/light-abort.js';
import { Upstreams } from '../src/upstream/upstreams.js';
import { median } from './bench-helpers.js';
import { writeBenchSection } from './benchmarks-md.js';
import { spawnUpstreamProcess } from './upstream-process.js';

/*
 * The proxy's HTTP client to the models (src/upstream/chat-pass-through.ts: undici's Agent since
 * this bench showed it cheaper) against node:http with a keep-alive agent (the pass-through before),
 * undici's Pool.request bare, Node's global fetch (undici's fetch) and the openai SDK over it, doing the proxy's job: post one chat completion and read its body whole (the
 * JSON answer, or the whole SSE stream). The upstream runs in its own process; this process runs
 * only the client, so its CPU per request is the client's cost. Rounds interleave the clients.
 */

const CONCURRENCY = 50;
const REQUESTS = 6_000;
const ROUNDS = 3;

const PROMPT = 'Explain the difference between TCP and UDP in two sentences.';
const BODIES = {
  json: { model: 'weak', messages: [{ role: 'user', content: PROMPT }], temperature: 0 },
  stream: { model: 'weak', messages: [{ role: 'user', content: PROMPT }], stream: true, stream_options: { include_usage: true } },
};
type Mode = keyof typeof BODIES;

/** One client: sends one request and resolves when its body has been read whole. */
type Client = (mode: Mode) => Promise<unknown>;

function clients(baseURL: string): Record<string, Client> {
  const url = new URL(`${baseURL}/chat/completions`);
  const upstreams = new Upstreams({ pair: { strong: 'strong', weak: 'weak' }, overrides: { baseURL, apiKey: 'bench' }, env: {}, maxRetries: 0 });
  const pool = new Pool(url.origin, { connections: CONCURRENCY + 14, pipelining: 1 });
  const sdk = new OpenAI({ baseURL, apiKey: 'bench', maxRetries: 0 });
  const nodeAgent = new http.Agent({ keepAlive: true, maxSockets: Infinity, scheduling: 'lifo' });
  const headers = { 'content-type': 'application/json', accept: 'application/json', authorization: 'Bearer bench' };
  const encoded = { json: Buffer.from(JSON.stringify(BODIES.json)), stream: Buffer.from(JSON.stringify(BODIES.stream)) };
  return {
    'the pass-through (ours: undici Agent.request)': async (mode) => {
      const response = await upstreams.chat('weak', BODIES[mode], { signal: new LightAbort() });
      const body = response.takeBody();
      for await (const _chunk of body) void _chunk;
    },
    'node:http with a keep-alive agent (the pass-through before)': (mode) =>
      new Promise<void>((resolve, reject) => {
        const request = http.request(
          { hostname: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { ...headers, 'content-length': String(encoded[mode].length) }, agent: nodeAgent },
          (response) => {
            response.on('data', () => {});
            response.on('end', () => resolve());
            response.on('error', reject);
          },
        );
        request.on('error', reject);
        request.end(encoded[mode]);
      }),
    'undici Pool.request, bare': async (mode) => {
      const { body } = await pool.request({ path: url.pathname, method: 'POST', headers, body: encoded[mode] });
      for await (const _chunk of body) void _chunk;
    },
    'global fetch (undici fetch)': async (mode) => {
      const response = await fetch(url, { method: 'POST', headers, body: encoded[mode] });
      await response.arrayBuffer();
    },
    'openai SDK over global fetch': async (mode) => {
      if (mode === 'json') return sdk.chat.completions.create(BODIES.json as never);
      const stream = await sdk.chat.completions.create(BODIES.stream as never);
      for await (const _chunk of stream as unknown as AsyncIterable<unknown>) void _chunk;
      return undefined;
    },
  };
}

/** `count` requests by CONCURRENCY workers; requests per second and this process's CPU µs per request. */
async function run(client: Client, mode: Mode, count: number): Promise<{ rps: number; cpuUs: number }> {
  let sent = 0;
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (sent < count) {
        sent += 1;
        await client(mode);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const used = process.cpuUsage(cpu);
  return { rps: count / seconds, cpuUs: (used.user + used.system) / count };
}

/** Runs the comparison and writes its BENCHMARKS.md section. */
export async function runHttpClientBench(): Promise<void> {
  const upstream = await spawnUpstreamProcess();
  try {
    const all = clients(upstream.baseURL);
    const rows: string[] = [];
    for (const mode of ['json', 'stream'] as const) {
      const figures = new Map<string, { rps: number[]; cpu: number[] }>(Object.keys(all).map((name) => [name, { rps: [], cpu: [] }]));
      for (let round = 0; round < ROUNDS; round += 1) {
        for (const [name, client] of Object.entries(all)) {
          await run(client, mode, 1_000); // warm-up
          const result = await run(client, mode, REQUESTS);
          figures.get(name)?.rps.push(result.rps);
          figures.get(name)?.cpu.push(result.cpuUs);
        }
      }
      const ours = median(figures.get('the pass-through (ours: undici Agent.request)')?.cpu ?? []);
      for (const [name, { rps, cpu }] of figures) {
        rows.push(`| ${mode === 'json' ? 'non-streaming' : 'streaming'} | ${name} | ${median(rps).toFixed(0)} req/s | ${median(cpu).toFixed(0)} µs | ${(median(cpu) / ours).toFixed(2)}× |`);
      }
    }
    const markdown = `## The proxy's HTTP client: undici against node:http, fetch and the SDK (\`bench/http-client.ts\`)

One run on this machine (${cpus().length} cores, Node ${process.version}, ${new Date().toISOString().slice(0, 16)}Z): the upstream test server in
its own process, the client alone in this one, ${CONCURRENCY} requests in flight, keep-alive connections; each client posts the
proxy bench's body and reads the answer whole (JSON, or the 14-event stream). ${ROUNDS} rounds of ${REQUESTS} requests after a
warm-up, clients interleaved; medians. CPU is this process's (user + system) per request: what the client costs the proxy.

| mode | client | throughput | client CPU per request | vs ours |
| --- | --- | ---: | ---: | ---: |
${rows.join('\n')}
`;
    await writeBenchSection('http-client', markdown);
    process.stdout.write(`${markdown}\n`);
  } finally {
    upstream.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runHttpClientBench().catch((error: unknown) => {
    process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  });
}
