import { PassThrough } from 'node:stream';
import OpenAI from 'openai';
import { Controller, createRandomRouter, type Router } from '../../../src/core/index.js';
import { DEFAULT_GATEWAY_OPTIONS, type GatewayOptions } from '../../../src/gateway/gateway-options.js';
import { Gateway } from '../../../src/gateway/gateway.js';
import { startServer, type RunningServer } from '../../../src/server/start-server.js';
import { Upstreams } from '../../../src/upstream/upstreams.js';
import { keywordRouter, PAIR } from '../../helpers/proxy-harness.js';
import { startMisbehavingUpstream, type MisbehavingUpstream } from './misbehaving-upstream.js';

export { PAIR };

export interface GatewayProxy {
  readonly upstream: MisbehavingUpstream;
  readonly server: RunningServer;
  readonly gateway: Gateway;
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
 * The real server with a gateway in front of a misbehaving upstream, all on 127.0.0.1, wired
 * as `routellm serve` wires them (SDK retries off when fallback is on). Routers: `keyword`
 * (strong when the prompt says HARD) and a seeded `random`.
 */
export async function startGatewayProxy(
  options: { gateway?: Partial<GatewayOptions>; upstream?: MisbehavingUpstream; maxBody?: number; shutdownGraceMs?: number } = {},
): Promise<GatewayProxy> {
  const upstream = options.upstream ?? (await startMisbehavingUpstream());
  const gatewayOptions: GatewayOptions = { ...DEFAULT_GATEWAY_OPTIONS, ...options.gateway };
  const controller = new Controller({
    pair: PAIR,
    routers: new Map<string, Router>([
      ['keyword', keywordRouter],
      ['random', createRandomRouter({ seed: 7 })],
    ]),
  });
  const upstreams = new Upstreams({
    pair: PAIR,
    overrides: { baseURL: upstream.baseURL, apiKey: 'sk-upstream-secret' },
    env: {},
    maxRetries: gatewayOptions.fallback ? 0 : 1,
  });
  const log = new PassThrough();
  const chunks: string[] = [];
  log.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  const gateway = new Gateway(gatewayOptions, { pair: PAIR, logDestination: log, defaultMetrics: false });
  const server = await startServer({
    controller,
    upstreams,
    host: '127.0.0.1',
    port: 0,
    gateway,
    ...(options.maxBody ? { maxBody: options.maxBody } : {}),
    ...(options.shutdownGraceMs !== undefined ? { shutdownGraceMs: options.shutdownGraceMs } : {}),
  });
  const metrics = () => gateway.metrics.text();
  return {
    upstream,
    server,
    gateway,
    client: (apiKey = 'client-key') => new OpenAI({ baseURL: `${server.url}/v1`, apiKey, maxRetries: 0 }),
    logText: () => chunks.join(''),
    logLines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, any>),
    metrics,
    async metric(series) {
      const text = await metrics();
      const line = text.split('\n').find((row) => row.startsWith(`${series} `));
      return line === undefined ? 0 : Number(line.slice(series.length + 1));
    },
    async close() {
      await server.close();
      await upstream.close();
    },
  };
}
