import OpenAI from 'openai';
import { Controller, createRandomRouter, type Router } from '../../src/core/index.js';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server/start-server.js';
import { Upstreams, type UpstreamsOptions } from '../../src/upstream/upstreams.js';
import { startUpstreamServer, type RecordedRequest, type UpstreamReply, type UpstreamServer } from './upstream-server.js';

/**
 * A deterministic router for tests: win rate 0.9 when the text mentions "HARD", else 0.1,
 * so a test can steer each request and see that routing reads the last message.
 */
export const keywordRouter: Router = {
  name: 'keyword',
  fingerprint: 'keyword:test',
  strongWinRate: (prompt: string) => (prompt.includes('HARD') ? 0.9 : 0.1),
};

export const PAIR = { strong: 'strong-model', weak: 'weak-model' } as const;

export interface Proxy {
  readonly upstream: UpstreamServer;
  readonly server: RunningServer;
  /** The official client pointed at the proxy, no retries so a test sees each answer as sent. */
  readonly client: OpenAI;
  close(): Promise<void>;
}

/**
 * A real upstream test server and a real router proxy in front of it, both on 127.0.0.1.
 * Routers: `keyword` (above) and a seeded `random`.
 */
export async function startProxy(
  options: {
    reply?: (request: RecordedRequest) => UpstreamReply;
    server?: Partial<Omit<ServerOptions, 'controller' | 'upstreams'>>;
    upstreams?: Partial<UpstreamsOptions>;
  } = {},
): Promise<Proxy> {
  const upstream = await startUpstreamServer(options.reply ? { reply: options.reply } : {});
  const controller = new Controller({
    pair: PAIR,
    routers: new Map<string, Router>([
      ['keyword', keywordRouter],
      ['random', createRandomRouter({ seed: 7 })],
    ]),
  });
  const upstreams = new Upstreams({ pair: PAIR, overrides: { baseURL: upstream.baseURL, apiKey: 'upstream-key' }, env: {}, ...options.upstreams });
  const server = await startServer({ controller, upstreams, host: '127.0.0.1', port: 0, ...options.server });
  const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'client-key', maxRetries: 0 });
  return {
    upstream,
    server,
    client,
    async close() {
      await server.close();
      await upstream.close();
    },
  };
}
