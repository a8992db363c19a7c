import OpenAI from 'openai';
import { createRandomRouter, Decider, type Router, type ShareResolver } from '../../src/core/index.js';
import { ChatPipeline } from '../../src/server/chat/chat-pipeline.js';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server/http/start-server.js';
import { DEFAULT_CHAT_OPTIONS, type ChatOptions } from '../../src/server/options/chat-options.js';
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
  readonly pipeline: ChatPipeline;
  /** The official client pointed at the proxy, no retries so a test sees each answer as sent. */
  readonly client: OpenAI;
  close(): Promise<void>;
}

/**
 * A real upstream test server and the real server over the chat pipeline in front of it, both on
 * 127.0.0.1, with the pipeline's defaults (fallback on, so the transport does not retry).
 * Routers: `keyword` (above), a seeded `random`, and `routers` given.
 */
export async function startProxy(
  options: {
    reply?: (request: RecordedRequest) => UpstreamReply;
    server?: Partial<Omit<ServerOptions, 'pipeline'>>;
    upstreams?: Partial<UpstreamsOptions>;
    chat?: Partial<ChatOptions>;
    /** Resolves shares (router-random-50%) as a calibration table would; without it every share is refused. */
    resolveShare?: ShareResolver;
    /** Routers of the test's own, beside keyword and random. */
    routers?: readonly Router[];
  } = {},
): Promise<Proxy> {
  const upstream = await startUpstreamServer(options.reply ? { reply: options.reply } : {});
  const chat = { ...DEFAULT_CHAT_OPTIONS, ...options.chat };
  const decider = new Decider({
    pair: PAIR,
    routers: new Map<string, Router>([
      ['keyword', keywordRouter],
      ['random', createRandomRouter({ seed: 7 })],
      ...(options.routers ?? []).map((router): [string, Router] => [router.name, router]),
    ]),
    ...(options.resolveShare ? { resolveShare: options.resolveShare } : {}),
  });
  const upstreams = new Upstreams({ pair: PAIR, overrides: { baseURL: upstream.baseURL, apiKey: 'upstream-key' }, env: {}, maxRetries: chat.fallback ? 0 : 1, ...options.upstreams });
  const pipeline = new ChatPipeline({ routing: { decider, upstreams }, options: chat });
  const server = await startServer({ pipeline, host: '127.0.0.1', port: 0, ...options.server });
  const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'client-key', maxRetries: 0 });
  return {
    upstream,
    server,
    pipeline,
    client,
    async close() {
      await server.close();
      upstreams.close();
      await upstream.close();
    },
  };
}
