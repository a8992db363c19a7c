import OpenAI from 'openai';
import { createRandomRouter, type Router } from '../../../src/core/index.js';
import type { ChatPipeline } from '../../../src/server/chat/chat-pipeline.js';
import { startServer, type RunningServer } from '../../../src/server/http/start-server.js';
import type { ChatOptions } from '../../../src/server/options/chat-options.js';
import { DEFAULT_HTTP_OPTIONS, type HttpOptions } from '../../../src/server/options/http-options.js';
import { keywordRouter, PAIR } from '../../helpers/proxy-harness.js';
import { startMisbehavingUpstream, type MisbehavingUpstream } from './misbehaving-upstream.js';
import { watchedPipeline } from './pipeline-harness.js';

export { PAIR };

export interface GatewayProxy {
  readonly upstream: MisbehavingUpstream;
  readonly server: RunningServer;
  readonly pipeline: ChatPipeline;
  /** The official client, no retries, with `apiKey` as its key. */
  client(apiKey?: string): OpenAI;
  /** Everything the request log wrote so far. */
  logText(): string;
  /** The request log, one parsed object per line. */
  logLines(): Record<string, any>[];
  metrics(): Promise<string>;
  /** The value of one series in /metrics, 0 when absent. */
  metric(series: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * The real server over the chat pipeline in front of a misbehaving upstream, all on 127.0.0.1,
 * wired as `routellm serve` wires them (transport retries off when fallback is on; metrics and the
 * request log watching). Routers: `keyword` (strong when the prompt says HARD) and a seeded `random`.
 */
export async function startGatewayProxy(
  options: { gateway?: Partial<ChatOptions & HttpOptions>; upstream?: MisbehavingUpstream; maxBody?: number; shutdownGraceMs?: number } = {},
): Promise<GatewayProxy> {
  const upstream = options.upstream ?? (await startMisbehavingUpstream());
  const { authKeys, limits, ...chat } = options.gateway ?? {};
  const watched = watchedPipeline({
    pair: PAIR,
    chat,
    baseURL: upstream.baseURL,
    routers: new Map<string, Router>([
      ['keyword', keywordRouter],
      ['random', createRandomRouter({ seed: 7 })],
    ]),
  });
  const http: HttpOptions = { authKeys: authKeys ?? DEFAULT_HTTP_OPTIONS.authKeys, limits: limits ?? DEFAULT_HTTP_OPTIONS.limits };
  const server = await startServer({
    pipeline: watched.pipeline,
    http,
    metrics: watched.metrics,
    host: '127.0.0.1',
    port: 0,
    ...(options.maxBody ? { maxBody: options.maxBody } : {}),
    ...(options.shutdownGraceMs !== undefined ? { shutdownGraceMs: options.shutdownGraceMs } : {}),
  });
  const metrics = () => watched.metrics.text();
  return {
    upstream,
    server,
    pipeline: watched.pipeline,
    client: (apiKey = 'client-key') => new OpenAI({ baseURL: `${server.url}/v1`, apiKey, maxRetries: 0 }),
    logText: watched.logText,
    logLines: watched.logLines,
    metrics,
    async metric(series) {
      const text = await metrics();
      const line = text.split('\n').find((row) => row.startsWith(`${series} `));
      return line === undefined ? 0 : Number(line.slice(series.length + 1));
    },
    async close() {
      await server.close();
      watched.pipeline.routing.upstreams.close();
      await upstream.close();
    },
  };
}
