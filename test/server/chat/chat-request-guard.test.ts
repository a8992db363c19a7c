import { describe, expect, it } from 'vitest';
import { RoutingError } from '../../../src/core/index.js';
import { readChatRequest } from '../../../src/server/chat/chat-request-guard.js';
import { RequestError } from '../../../src/server/errors/request-error.js';
import { checkJsonStructure } from '../../../src/server/chat/json-structure.js';

const ok = { model: 'router-random-0.5', messages: [{ role: 'user', content: 'hi' }] };
/** The checked body, as serve's chat endpoint reads it. */
const parseChatRequest = (body: Uint8Array, contentType: string | undefined) => readChatRequest(body, contentType).body;
const encode = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

function refusal(body: Uint8Array, contentType: string | undefined = 'application/json'): RequestError {
  try {
    parseChatRequest(body, contentType);
  } catch (error) {
    if (error instanceof RequestError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('readChatRequest', () => {
  it('accepts a well-formed request, with unknown and null fields passed through', () => {
    const body = { ...ok, temperature: null, stream: true, stream_options: { include_usage: true }, some_future_field: [1] };
    expect(parseChatRequest(encode(body), 'application/json; charset=utf-8')).toEqual(body);
    expect(parseChatRequest(encode(ok), undefined)).toEqual(ok);
    const rich = {
      ...ok,
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: [{ type: 'text', text: 'what is this' }, { type: 'image_url', image_url: { url: 'data:' } }] },
        { role: 'assistant', content: null, tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 't', content: '42' },
      ],
      tools: [{ type: 'function', function: { name: 'f' } }],
      tool_choice: 'auto',
      stop: ['\n'],
      n: 1,
      max_tokens: 100,
      seed: -5,
      logit_bias: { '50256': -100 },
      response_format: { type: 'json_object' },
    };
    expect(parseChatRequest(encode(rich), 'application/json')).toEqual(rich);
  });

  it.each([
    ['text/plain', 415],
    ['application/x-www-form-urlencoded', 415],
    ['application/json; charset=latin1', 415],
    ['multipart/form-data; boundary=x', 415],
  ])('refuses content-type %j with %i', (contentType, status) => {
    expect(refusal(encode(ok), contentType).status).toBe(status);
  });

  it('refuses invalid UTF-8, naming it', () => {
    const bytes = Buffer.concat([Buffer.from('{"model":"router-random-0.5","messages":[{"role":"user","content":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}]}')]);
    expect(refusal(bytes).message).toContain('not valid UTF-8');
  });

  it('refuses deep nesting and duplicate keys, even when escaped', () => {
    expect(refusal(encode(`{"model":"x","messages":[],"extra":${'['.repeat(100)}${']'.repeat(100)}}`)).message).toContain('deeper than 64');
    expect(refusal(encode('{"model":"a","model":"b","messages":[]}')).message).toContain('"model" twice');
    expect(refusal(encode('{"model":"a","mod\\u0065l":"b","messages":[]}')).message).toContain('"model" twice');
    // The same key in two different objects is fine.
    expect(() => parseChatRequest(encode('{"model":"router-random-0.5","messages":[{"role":"user","content":"a"},{"role":"user","content":"b"}]}'), undefined)).not.toThrow();
    // Quotes and braces inside strings do not confuse the scan.
    expect(() => checkJsonStructure('{"a":"}{\\"a\\":","b":"[[[["}')).not.toThrow();
  });

  it('bounds the work a body can make: keys in one object, values in all, refused while scanning', () => {
    const keys = (n: number) => Array.from({ length: n }, (_, i) => `"k${i}":1`).join(',');
    // The 10 MiB, 870k-key body that held the event loop for seconds, and a smaller one of the same shape.
    expect(refusal(encode(`{"model":"x","messages":[],"metadata":{${keys(10_001)}}}`))).toMatchObject({ status: 400, code: 'too_many_keys' });
    expect(() => checkJsonStructure(`{"a":{${keys(10_000)}}}`)).not.toThrow();
    const small = Array.from({ length: 100_001 }, () => '{"a":1}').join(',');
    expect(refusal(encode(`{"model":"x","messages":[],"extra":[${small}]}`))).toMatchObject({ status: 400, code: 'too_many_values' });
    expect(refusal(encode(`{"model":"x","messages":[],"extra":[${'1,'.repeat(200_000)}1]}`))).toMatchObject({ code: 'too_many_values' });
    // 10,000 messages (the most accepted) are well within the bound.
    const messages = Array.from({ length: 10_000 }, (_, i) => ({ role: 'user', content: `m${i}`, name: 'n' }));
    expect(() => parseChatRequest(encode(JSON.stringify({ model: 'router-random-0.5', messages })), undefined)).not.toThrow();
  });

  it.each<[string, unknown, string]>([
    ['role unknown', { ...ok, messages: [{ role: 'wizard', content: 'x' }] }, 'messages.[0].role'],
    ['content a number', { ...ok, messages: [{ role: 'user', content: 5 }] }, 'messages.[0].content'],
    ['content part without type', { ...ok, messages: [{ role: 'user', content: [{ text: 'x' }] }] }, 'messages.[0].content.[0]'],
    ['text part not text', { ...ok, messages: [{ role: 'user', content: [{ type: 'text', text: 1 }] }] }, 'messages.[0].content.[0].text'],
    ['name a number', { ...ok, messages: [{ role: 'user', content: 'x', name: 1 }] }, 'messages.[0].name'],
    ['tool_calls an object', { ...ok, messages: [{ role: 'assistant', content: null, tool_calls: {} }] }, 'messages.[0].tool_calls'],
    ['stream a string', { ...ok, stream: 'yes' }, 'stream'],
    ['stream_options.include_usage a string', { ...ok, stream_options: { include_usage: 'yes' } }, 'stream_options'],
    ['temperature a string', { ...ok, temperature: 'hot' }, 'temperature'],
    ['temperature too high', { ...ok, temperature: 9 }, 'temperature'],
    ['top_p negative', { ...ok, top_p: -0.1 }, 'top_p'],
    ['n fractional', { ...ok, n: 1.5 }, 'n'],
    ['max_tokens huge', { ...ok, max_tokens: 1e20 }, 'max_tokens'],
    ['max_tokens zero', { ...ok, max_tokens: 0 }, 'max_tokens'],
    ['max_completion_tokens a string', { ...ok, max_completion_tokens: '10' }, 'max_completion_tokens'],
    ['presence_penalty out of range', { ...ok, presence_penalty: 3 }, 'presence_penalty'],
    ['stop too many', { ...ok, stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop'],
    ['stop a number', { ...ok, stop: 1 }, 'stop'],
    ['seed unsafe', { ...ok, seed: 2 ** 60 }, 'seed'],
    ['logprobs a number', { ...ok, logprobs: 1 }, 'logprobs'],
    ['logit_bias out of range', { ...ok, logit_bias: { '1': 500 } }, 'logit_bias'],
    ['tools not an array', { ...ok, tools: {} }, 'tools'],
    ['tool without type', { ...ok, tools: [{ function: {} }] }, 'tools'],
    ['tool_choice a number', { ...ok, tool_choice: 3 }, 'tool_choice'],
    ['response_format a string', { ...ok, response_format: 'json' }, 'response_format'],
    ['user an object', { ...ok, user: {} }, 'user'],
  ])('refuses %s with a 400 naming the field', (_name, body, param) => {
    const error = refusal(encode(body));
    expect(error.status).toBe(400);
    expect(error.param).toBe(param);
    expect(error.body().error.message.startsWith(`${param.replace(/\.\[/g, '[')} `)).toBe(true);
  });

  it.each<[string, unknown, string, string]>([
    ['messages missing', { model: ok.model }, 'messages', 'missing_required_parameter'],
    ['messages a string', { ...ok, messages: 'hi' }, 'messages', 'invalid_type'],
    ['messages empty', { ...ok, messages: [] }, 'messages', 'empty_array'],
    ['message not an object', { ...ok, messages: ['hi'] }, 'messages.[0]', 'invalid_type'],
  ])('leaves %s to the core check, with its codes', (_name, body, param, code) => {
    let caught: unknown;
    try {
      parseChatRequest(encode(body), 'application/json');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(RoutingError);
    expect(caught).toMatchObject({ param, code });
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['{', 'not valid JSON'],
    ['[1]', 'must be a JSON object'],
    ['null', 'must be a JSON object'],
    ['{"model":"x","messages":[{"role":"user","content":"x"}],"max_tokens":1e400}', 'max_tokens'],
  ])('refuses body %j', (text, message) => {
    expect(refusal(encode(text)).message).toContain(message);
  });
});
