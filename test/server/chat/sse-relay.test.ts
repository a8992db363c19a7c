import { describe, expect, it } from 'vitest';
import { MalformedUpstreamError } from '../../../src/upstream/malformed-upstream-error.js';
import { MAX_SSE_EVENT_BYTES, SseRelay } from '../../../src/server/chat/sse-relay.js';
import { requestStreamUsage } from '../../../src/server/chat/stream-usage.js';

const chunk = (content: string) =>
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', model: 'm', choices: [{ index: 0, delta: { content } }], usage: null })}\n\n`;
const usageChunk = `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', model: 'm', choices: [], usage: { prompt_tokens: 7, completion_tokens: 2 } })}\n\n`;
const done = 'data: [DONE]\n\n';

function relayAll(relay: SseRelay, text: string, pieceSize: number): string {
  let out = '';
  for (let i = 0; i < text.length; i += pieceSize) out += relay.push(text.slice(i, i + pieceSize)).text;
  return out + relay.end().text;
}

describe('requestStreamUsage', () => {
  it('asks a streaming upstream for usage and remembers whether the client did', () => {
    expect(requestStreamUsage({ stream: true, model: 'x' })).toEqual({
      forward: { stream: true, model: 'x', stream_options: { include_usage: true } },
      clientWantsUsage: false,
    });
    const asked = { stream: true, stream_options: { include_usage: true } };
    expect(requestStreamUsage(asked)).toEqual({ forward: asked, clientWantsUsage: true });
    expect(requestStreamUsage({ stream: false })).toEqual({ forward: { stream: false }, clientWantsUsage: true });
  });
});

describe('SseRelay', () => {
  const stream = chunk('Hel') + chunk('lo') + usageChunk + done;

  it.each([1, 7, 1000])('passes events through byte for byte and captures usage (pieces of %i)', (size) => {
    const relay = new SseRelay({ keepUsageChunk: true });
    expect(relayAll(relay, stream, size)).toBe(stream);
    expect(relay.usage).toEqual({ prompt_tokens: 7, completion_tokens: 2 });
    expect(relay.model).toBe('m');
  });

  it('strips the usage chunk for a client that did not ask for it', () => {
    const relay = new SseRelay({ keepUsageChunk: false });
    expect(relayAll(relay, stream, 13)).toBe(chunk('Hel') + chunk('lo') + done);
    expect(relay.usage).toEqual({ prompt_tokens: 7, completion_tokens: 2 });
  });

  it('accepts CRLF line ends, comments and event/id fields', () => {
    const relay = new SseRelay({ keepUsageChunk: true });
    const text = ': keep-alive\r\n\r\nid: 1\r\ndata: {"choices":[]}\r\n\r\ndata: [DONE]\r\n\r\n';
    relayAll(relay, text, 5);
    expect(relay.events).toBe(2);
  });

  it('passes an upstream error event on, filled out to the four OpenAI fields, and treats it as the end', () => {
    const relay = new SseRelay({ keepUsageChunk: true });
    const text = chunk('a') + 'data: {"error":{"message":"overloaded"}}\n\n';
    expect(relayAll(relay, text, 10)).toBe(chunk('a') + 'data: {"error":{"message":"overloaded","type":"server_error","param":null,"code":null}}\n\n');
    expect(relay.upstreamError).toEqual({ message: 'overloaded' });
  });

  it('passes a complete error event on byte for byte', () => {
    const text = chunk('a') + 'data: {"error": {"message": "m", "type": "t", "param": null, "code": "c", "extra": 1}}\n\n';
    expect(relayAll(new SseRelay({ keepUsageChunk: true }), text, 9)).toBe(text);
  });

  it.each([
    ['all four fields', '{"error":{"message":"m","type":"t","param":"p","code":"c"}}', { message: 'm', type: 't', param: 'p', code: 'c' }],
    ['param and code missing', '{"error":{"message":"mid boom","type":"server_error"}}', { message: 'mid boom', type: 'server_error', param: null, code: null }],
    ['extra fields, a number code', '{"error":{"message":"m","code":500,"metadata":{"provider":"x"}}}', { message: 'm', type: 'server_error', param: null, code: '500', metadata: { provider: 'x' } }],
    ['a bare string', '{"error":"boom"}', { message: 'boom', type: 'server_error', param: null, code: null }],
    ['no message', '{"error":{"code":"overloaded"}}', { message: 'the upstream sent an error event without a message', type: 'server_error', param: null, code: 'overloaded' }],
  ])('normalises an error event with %s', (_name, data, error) => {
    const relay = new SseRelay({ keepUsageChunk: true });
    const out = relayAll(relay, chunk('a') + `data: ${data}\n\n`, 7);
    expect(out.startsWith(chunk('a'))).toBe(true);
    const event = out.slice(chunk('a').length);
    expect(event.startsWith('data: ') && event.endsWith('\n\n')).toBe(true);
    expect(JSON.parse(event.slice(6))).toEqual({ error });
  });

  it('keeps the other fields of an error event (event, id) and its other top-level keys', () => {
    const relay = new SseRelay({ keepUsageChunk: true });
    const out = relayAll(relay, chunk('a') + 'event: error\r\nid: 9\r\ndata: {"id":"c1","error":{"message":"m"}}\r\n\r\n', 5);
    expect(out.slice(chunk('a').length)).toBe('event: error\nid: 9\ndata: {"id":"c1","error":{"message":"m","type":"server_error","param":null,"code":null}}\n\n');
  });

  it.each([
    ['data: {not json}\n\n', 'not JSON'],
    ['data: [1,2]\n\n', 'not a JSON object'],
    ['data: {"id":"x"}\n\n', 'without choices'],
    ['garbage line\n\n', 'malformed stream line'],
    [`${done}${chunk('late')}`, 'after data: [DONE]'],
  ])('throws MalformedUpstreamError on %j', (text, message) => {
    const relay = new SseRelay({ keepUsageChunk: true });
    expect(() => relayAll(relay, text, 4)).toThrow(MalformedUpstreamError);
    expect(() => new SseRelay({ keepUsageChunk: true }).push(text)).toThrow(message);
  });

  it('throws when the stream ends before [DONE]', () => {
    const relay = new SseRelay({ keepUsageChunk: true });
    relay.push(chunk('a'));
    expect(() => relay.end()).toThrow('before data: [DONE]');
  });

  it('refuses an event larger than its bound instead of buffering without limit', () => {
    const relay = new SseRelay({ keepUsageChunk: true });
    expect(() => relay.push(`data: "${'x'.repeat(MAX_SSE_EVENT_BYTES)}`)).toThrow('over');
  });
});

describe('SseRelay after the first event', () => {
  it('still refuses a later event that is not a JSON object', () => {
    const relay = new SseRelay({ keepUsageChunk: true });
    relay.push(chunk('first'));
    expect(() => relay.push('data: oops\n\n')).toThrow(MalformedUpstreamError);
  });

  it('still captures usage on a later chunk that carries choices too', () => {
    const relay = new SseRelay({ keepUsageChunk: false });
    relay.push(chunk('first'));
    const withUsage = `data: ${JSON.stringify({ choices: [{ index: 0, delta: {} }], usage: { prompt_tokens: 3, completion_tokens: 1 } })}\n\n`;
    expect(relay.push(withUsage).text).toBe(withUsage);
    expect(relay.usage).toEqual({ prompt_tokens: 3, completion_tokens: 1 });
  });
});
