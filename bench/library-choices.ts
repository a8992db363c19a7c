import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createParser } from 'eventsource-parser';
import { LRUCache } from 'lru-cache';
import pLimit from 'p-limit';
import PQueue from 'p-queue';
import writeFileAtomicLibrary from 'write-file-atomic';
import { writeFileAtomic } from '../src/runtime/write-file-atomic.js';
import { SseRelay } from '../src/server/chat/sse-relay.js';
import { ConcurrencyLimiter } from '../src/server/policy/concurrency-limiter.js';
import { streamEvents } from '../test/helpers/upstream-server.js';
import { median } from './bench-helpers.js';
import { writeBenchSection } from './benchmarks-md.js';

/*
 * The hand-written parts against the well-kept libraries that do the same job, each on the work it
 * does here (issue 14): the SSE relay against eventsource-parser, the concurrency limiter against
 * p-limit and p-queue, the atomic write against write-file-atomic, the LRU of the embedding and score
 * caches against lru-cache. Each figure is the median of 7 timed rounds after a warm-up, in one process.
 * The HTTP client (chat-pass-through.ts: undici against node:http and fetch) has its own bench: bench/http-client.ts.
 */

const ROUNDS = 7;

/** Median over rounds of the time one call of `run` takes, in µs (each round `n` calls). */
async function timePerCall(n: number, run: (i: number) => unknown): Promise<number> {
  const samples: number[] = [];
  for (let round = 0; round < ROUNDS + 1; round += 1) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i += 1) {
      const result = run(i);
      if (result instanceof Promise) await result;
    }
    const us = Number(process.hrtime.bigint() - start) / 1e3 / n;
    if (round > 0) samples.push(us); // the first round warms up
  }
  return median(samples);
}

const fmt = (us: number) => (us < 10 ? us.toFixed(2) : us.toFixed(1));

/** The stream the proxy bench relays (14 events, usage asked), cut into reads of `size` bytes. */
function streamReads(size: number): string[] {
  const text = streamEvents('chatcmpl-bench', 'weak', 'The quick brown fox jumps over the lazy dog near the river bank today', true).join('');
  const reads: string[] = [];
  for (let at = 0; at < text.length; at += size) reads.push(text.slice(at, at + size));
  return reads;
}

/** Our relay: split into events, check each, capture usage, re-emit the client's bytes. */
function relayOurs(reads: readonly string[]): number {
  const relay = new SseRelay({ keepUsageChunk: true });
  let out = 0;
  for (const read of reads) out += relay.push(read).text.length;
  out += relay.end().text.length;
  return out;
}

/**
 * eventsource-parser in the relay's place: it splits the events (the part of the relay it could
 * replace); the same checks (first event, usage and error events parsed; others must look like an
 * object) and re-serialising each event for the client are still ours to do.
 */
function relayParser(reads: readonly string[]): number {
  let out = '';
  let events = 0;
  let usage: unknown;
  const parser = createParser({
    onEvent(event) {
      events += 1;
      const data = event.data;
      if (data === '[DONE]') {
        out += 'data: [DONE]\n\n';
        return;
      }
      if (events === 1 || /"usage"\s*:\s*\{/.test(data) || data.includes('"error"')) {
        const chunk = JSON.parse(data) as Record<string, unknown>;
        if (chunk['usage']) usage = chunk['usage'];
      } else if (!(data.startsWith('{') && data.endsWith('}'))) throw new Error('not an object');
      out += `data: ${data}\n\n`;
    },
  });
  for (const read of reads) parser.feed(read);
  return out.length + (usage ? 1 : 0);
}

/** A slot per call, as the pipeline takes one for each upstream call: uncontended (a free slot) and at the limit (a queue). */
async function limiterRows(): Promise<string[]> {
  const calls = 200_000;
  const ours = new ConcurrencyLimiter({ maxConcurrent: 256, maxQueue: 1024 });
  const oursFree = await timePerCall(calls, () => {
    const release = ours.tryAcquire() as () => void;
    release();
  });
  const limit = pLimit(256);
  const pLimitFree = await timePerCall(calls, () => limit(async () => undefined));
  const queue = new PQueue({ concurrency: 256 });
  const pQueueFree = await timePerCall(calls, () => queue.add(async () => undefined));
  // At the limit: 64 callers through 8 slots, each holding its slot for one microtask.
  const burst = 64;
  const oursBusy = new ConcurrencyLimiter({ maxConcurrent: 8, maxQueue: 1024 });
  const oursQueued = await timePerCall(2_000, () =>
    Promise.all(
      Array.from({ length: burst }, async () => {
        const release = oursBusy.tryAcquire() ?? (await oursBusy.acquire());
        await null;
        release();
      }),
    ),
  );
  const limitBusy = pLimit(8);
  const pLimitQueued = await timePerCall(2_000, () => Promise.all(Array.from({ length: burst }, () => limitBusy(async () => void (await null)))));
  const queueBusy = new PQueue({ concurrency: 8 });
  const pQueueQueued = await timePerCall(2_000, () => Promise.all(Array.from({ length: burst }, () => queueBusy.add(async () => void (await null)))));
  return [
    `| concurrency limiter | slot taken and given back, a slot free | ${fmt(oursFree)} µs | p-limit ${fmt(pLimitFree)} µs; p-queue ${fmt(pQueueFree)} µs |`,
    `| concurrency limiter | ${burst} callers through 8 slots (per caller) | ${fmt(oursQueued / burst)} µs | p-limit ${fmt(pLimitQueued / burst)} µs; p-queue ${fmt(pQueueQueued / burst)} µs |`,
  ];
}

/** What the share-state file (--share-state) writes once a second: 64 windows of 200 entries. */
function shareStateText(): string {
  const tracks = Array.from({ length: 64 }, (_, t) => ({ router: 'mf', share: t / 100, fingerprint: 'mf:abc', entries: Array.from({ length: 200 }, (_, i) => [((i * 7919) % 1000) / 1000, i % 3 === 0]) }));
  return JSON.stringify({ format: 'routellm-share-state/1', tracks });
}

async function atomicWriteRows(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'routellm-atomic-'));
  try {
    const text = shareStateText();
    const path = join(dir, 'shares.json');
    const ours = await timePerCall(200, () => writeFileAtomic(path, text));
    const libraryFsync = await timePerCall(200, () => writeFileAtomicLibrary(path, text));
    const libraryNoFsync = await timePerCall(200, () => writeFileAtomicLibrary(path, text, { fsync: false }));
    const kb = (Buffer.byteLength(text) / 1024).toFixed(0);
    return [`| atomic write | one ${kb} KB share-state file | ${fmt(ours)} µs (no fsync) | write-file-atomic ${fmt(libraryFsync)} µs with fsync (its default), ${fmt(libraryNoFsync)} µs without |`];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The embedding cache's and the difficulty router's score cache's LRU: a Map re-inserted on each hit. */
function mapLru<V>(max: number) {
  const cache = new Map<string, V>();
  return {
    get(key: string): V | undefined {
      const value = cache.get(key);
      if (value !== undefined) {
        cache.delete(key);
        cache.set(key, value);
      }
      return value;
    },
    set(key: string, value: V): void {
      cache.delete(key);
      cache.set(key, value);
      if (cache.size > max) cache.delete(cache.keys().next().value as string);
    },
  };
}

async function lruRows(): Promise<string[]> {
  const max = 10_000;
  // Prompts of realistic length; a working set of twice the cache, drawn so about 60% of lookups hit.
  const keys = Array.from({ length: 2 * max }, (_, i) => `Explain, in a few sentences, question number ${i} about distributed systems and their failure modes.`);
  let seed = 7;
  const draws = Array.from({ length: 400_000 }, () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const u = seed / 2 ** 31;
    return u < 0.6 ? Math.floor(u * max) : Math.floor(u * 2 * max);
  });
  const use = (cache: { get(key: string): number | undefined; set(key: string, value: number): void }) => (i: number) => {
    const key = keys[draws[i % draws.length] as number] as string;
    if (cache.get(key) === undefined) cache.set(key, i);
  };
  const ours = await timePerCall(draws.length, use(mapLru<number>(max)));
  const library = await timePerCall(draws.length, use(new LRUCache<string, number>({ max })));
  return [`| LRU (embedding and score caches) | lookup, insert on a miss, 10,000 entries, ~60% hits | ${fmt(ours * 1000)} ns | lru-cache ${fmt(library * 1000)} ns |`];
}

async function sseRows(): Promise<string[]> {
  const rows: string[] = [];
  for (const size of [64, 1024, 1 << 20]) {
    const reads = streamReads(size);
    if (relayOurs(reads) !== relayParser(reads) - 1) throw new Error('the two relays disagree');
    const ours = await timePerCall(20_000, () => relayOurs(reads));
    const parser = await timePerCall(20_000, () => relayParser(reads));
    const cut = size === 1 << 20 ? 'the whole stream in one read' : `reads of ${size} bytes`;
    rows.push(`| SSE relay | the proxy bench's stream (14 events), ${cut} | ${fmt(ours)} µs | eventsource-parser + the same checks ${fmt(parser)} µs |`);
  }
  return rows;
}

/** Runs every comparison and writes its BENCHMARKS.md section. */
export async function runLibraryChoicesBench(): Promise<void> {
  const rows = [...(await sseRows()), ...(await limiterRows()), ...(await atomicWriteRows()), ...(await lruRows())];
  const markdown = `## Hand-written parts against well-kept libraries (\`bench/library-choices.ts\`)

One run on this machine (${cpus().length} cores, Node ${process.version}, ${new Date().toISOString().slice(0, 16)}Z), one process, each
figure the median of ${ROUNDS} timed rounds after a warm-up; per call (per stream for the relay). What each figure decided is
in docs/development.md's design notes. The HTTP client (undici against node:http, fetch and the SDK) is \`bench/http-client.ts\`.

| part | work | ours | library |
| --- | --- | ---: | --- |
${rows.join('\n')}
`;
  await writeBenchSection('library-choices', markdown);
  process.stdout.write(`${markdown}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runLibraryChoicesBench().catch((error: unknown) => {
    process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  });
}
