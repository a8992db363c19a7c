import { PassThrough } from 'node:stream';
import { Decider, type ModelPair, type Router } from '../../../src/core/index.js';
import { ChatPipeline } from '../../../src/server/chat/chat-pipeline.js';
import { GatewayMetrics } from '../../../src/server/observe/gateway-metrics.js';
import { RequestLog } from '../../../src/server/observe/request-log.js';
import { ServeObserver } from '../../../src/server/observe/serve-observer.js';
import { DEFAULT_CHAT_OPTIONS, type ChatOptions } from '../../../src/server/options/chat-options.js';
import { Upstreams } from '../../../src/upstream/upstreams.js';

/** A chat pipeline watched as serve watches it (metrics, a request log captured in memory). */
export interface WatchedPipeline {
  readonly pipeline: ChatPipeline;
  readonly metrics: GatewayMetrics;
  readonly log: RequestLog;
  /** Everything the log wrote so far. */
  logText(): string;
  /** The log, one parsed object per line. */
  logLines(): Record<string, any>[];
}

/**
 * The chat pipeline as serve builds it: routers in a Decider, the upstreams (SDK-style retry off
 * when fallback is on), metrics and the request log as its observer, the log's logger for its
 * warn lines. Upstreams default to an endpoint nobody listens on (for tests that call no upstream).
 */
export function watchedPipeline(options: {
  pair: ModelPair;
  chat?: Partial<ChatOptions>;
  routers?: ReadonlyMap<string, Router>;
  baseURL?: string;
  shares?: ConstructorParameters<typeof ChatPipeline>[0]['shares'];
  clock?: () => number;
  now?: () => Date;
}): WatchedPipeline {
  const chat: ChatOptions = { ...DEFAULT_CHAT_OPTIONS, ...options.chat };
  const upstreams = new Upstreams({
    pair: options.pair,
    overrides: { baseURL: options.baseURL ?? 'http://127.0.0.1:9/v1', apiKey: 'sk-upstream-secret' },
    env: {},
    maxRetries: chat.fallback ? 0 : 1,
  });
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  const log = new RequestLog({ destination: out, logPrompts: chat.logPrompts });
  const metrics = new GatewayMetrics({ defaultMetrics: false });
  const pipeline = new ChatPipeline({
    routing: { decider: new Decider({ pair: options.pair, routers: options.routers ?? new Map() }), upstreams },
    options: chat,
    logger: log.logger,
    observer: new ServeObserver(metrics, log),
    ...(options.shares ? { shares: options.shares } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  metrics.sample.inFlight = () => pipeline.inFlight;
  metrics.sample.upstreamInFlight = () => pipeline.limiter.active;
  metrics.sample.queued = () => pipeline.limiter.queued;
  metrics.sample.savingUsd = () => pipeline.spend.savingUsd;
  metrics.sample.routingHealth = () => pipeline.health.models().map((model) => ({ model, ...pipeline.health.window(model) }));
  return {
    pipeline,
    metrics,
    log,
    logText: () => chunks.join(''),
    logLines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, any>),
  };
}

/** A chat request's record, as the server begins one. */
export function chatRecord(pipeline: ChatPipeline, requestId: string) {
  return pipeline.begin(requestId, { method: 'POST', path: '/v1/chat/completions', chat: true });
}
