import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveChatOptions } from '../../../src/server/options/chat-options.js';
import { parseConfigSections } from '../../../src/config/config-sections.js';
import { PAIR, startGatewayProxy, type GatewayProxy } from '../helpers/gateway-harness.js';

const HARD = [{ role: 'user' as const, content: 'a HARD question' }];

describe('--no-stream-usage: for upstreams that reject stream_options', () => {
  let on: GatewayProxy;
  let off: GatewayProxy;
  beforeAll(async () => {
    on = await startGatewayProxy();
    off = await startGatewayProxy({ gateway: { streamUsage: false } });
  });
  afterAll(async () => {
    await on.close();
    await off.close();
  });

  async function streamThrough(proxy: GatewayProxy, extra: Record<string, unknown> = {}) {
    const seen = proxy.upstream.requests.length;
    const stream = await proxy.client().chat.completions.create({ model: 'router-keyword-0.5', messages: HARD, stream: true, ...extra });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    return { text, sent: proxy.upstream.requests[seen]?.body };
  }

  it('by default asks the upstream for usage the client did not ask for', async () => {
    const { text, sent } = await streamThrough(on);
    expect(text).toBe(`answer from ${PAIR.strong}`);
    expect(sent.stream_options).toEqual({ include_usage: true });
  });

  it('with the switch off, forwards the stream request exactly as the client sent it', async () => {
    const { text, sent } = await streamThrough(off);
    expect(text).toBe(`answer from ${PAIR.strong}`);
    expect(sent).not.toHaveProperty('stream_options');
    const asked = await streamThrough(off, { stream_options: { include_usage: true } });
    expect(asked.sent.stream_options).toEqual({ include_usage: true });
  });

  it('is set by flag, then the config file, default on', () => {
    const file = (text: Record<string, unknown>) => parseConfigSections({ server: text }, 'c.yaml');
    expect(resolveChatOptions({}, {}).streamUsage).toBe(true);
    expect(resolveChatOptions({}, file({ stream_usage: false })).streamUsage).toBe(false);
    expect(resolveChatOptions({ streamUsage: true }, file({ stream_usage: false })).streamUsage).toBe(true);
  });
});
