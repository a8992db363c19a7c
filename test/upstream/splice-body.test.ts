import { describe, expect, it } from 'vitest';
import { readChatRequest } from '../../src/server/chat/chat-request-guard.js';
import { spliceBody } from '../../src/upstream/splice-body.js';
import { PAIR, startGatewayProxy } from '../server/helpers/gateway-harness.js';

const spliced = (text: string, model: string, addStreamUsage = false) => {
  const { source } = readChatRequest(Buffer.from(text), 'application/json');
  if (!source) throw new Error('no source');
  return spliceBody(source, model, addStreamUsage).toString('utf8');
};

describe('spliceBody', () => {
  it('replaces only the top-level model, byte for byte elsewhere', () => {
    const text = '{ "messages": [{"role":"user","content":"h\\u00e9llo — ünïcode","model":"inner"}],\n  "model" : "router-random-0.5", "x":1}';
    expect(spliced(text, 'gpt-4o')).toBe(text.replace('"router-random-0.5"', '"gpt-4o"'));
  });

  it('asks for stream usage first when the client sent no stream_options', () => {
    const out = spliced('{"model":"router-random-0.5","stream":true,"messages":[{"role":"user","content":"hi"}]}', 'm', true);
    expect(JSON.parse(out)).toEqual({ stream_options: { include_usage: true }, model: 'm', stream: true, messages: [{ role: 'user', content: 'hi' }] });
  });

  it('has no source for a model that is not a string, or a body with a byte-order mark', () => {
    expect(readChatRequest(Buffer.from('{"model":5,"messages":[{"role":"user","content":"hi"}]}'), undefined).source).toBeUndefined();
    expect(readChatRequest(Buffer.from('\ufeff{"model":"a","messages":[{"role":"user","content":"hi"}]}'), undefined).source).toBeUndefined();
  });
});

describe('the gateway forwards the client\'s own bytes', () => {
  it('with only model changed (and stream usage added), so nothing is serialised again', async () => {
    const proxy = await startGatewayProxy();
    try {
      const seen: string[] = [];
      proxy.upstream.behave = (_model, body) => {
        seen.push(JSON.stringify(body));
        return 'ok';
      };
      const text = '{"messages":[{"role":"user","content":"caf\\u00e9 ☕"}],"temperature":0.50,"model":"router-keyword-0.5"}';
      const response = await fetch(`${proxy.server.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
      expect(response.status).toBe(200);
      const body = proxy.upstream.requests.at(-1)?.body;
      expect(body).toEqual({ messages: [{ role: 'user', content: 'café ☕' }], temperature: 0.5, model: PAIR.weak });
      // Key order kept: the model is where the client put it, last.
      expect(Object.keys(body)).toEqual(['messages', 'temperature', 'model']);
      const stream = await fetch(`${proxy.server.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"model":"router-keyword-0.5","stream":true,"messages":[{"role":"user","content":"hi"}]}',
      });
      await stream.text();
      expect(proxy.upstream.requests.at(-1)?.body).toEqual({ stream_options: { include_usage: true }, model: PAIR.weak, stream: true, messages: [{ role: 'user', content: 'hi' }] });
    } finally {
      await proxy.close();
    }
  });
});
