import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProxy, type GatewayProxy } from '../helpers/gateway-harness.js';

let proxy: GatewayProxy;
beforeAll(async () => {
  proxy = await startGatewayProxy({ maxBody: 64 * 1024 });
});
afterAll(async () => {
  await proxy.close();
});

const model = 'router-random-0.5';
const messages = [{ role: 'user', content: 'hi' }];
const json = (value: unknown) => JSON.stringify(value);
const withField = (field: string, value: unknown) => json({ model, messages, [field]: value });
const withMessage = (message: unknown) => json({ model, messages: [message] });

/** [name, body, content-type, expected status, text the message must contain] */
const rows: [string, string | Buffer, string, number, string][] = [
  ['truncated JSON', '{"model": "router-random-0.5", "messages": [', 'application/json', 400, 'JSON'],
  ['a JSON array', '[1, 2]', 'application/json', 400, 'JSON object'],
  ['JSON null', 'null', 'application/json', 400, 'JSON object'],
  ['a JSON string', '"hello"', 'application/json', 400, 'JSON object'],
  ['an empty body', '', 'application/json', 400, 'empty'],
  ['a blank body', '  \n ', 'application/json', 400, 'empty'],
  ['missing messages', json({ model }), 'application/json', 400, 'messages'],
  ['messages a string', json({ model, messages: 'hi' }), 'application/json', 400, 'messages'],
  ['messages an object', json({ model, messages: { role: 'user' } }), 'application/json', 400, 'messages'],
  ['messages empty', json({ model, messages: [] }), 'application/json', 400, 'messages'],
  ['a message that is a string', withMessage('hi'), 'application/json', 400, 'messages[0]'],
  ['a message that is null', withMessage(null), 'application/json', 400, 'messages[0]'],
  ['a message without role', withMessage({ content: 'x' }), 'application/json', 400, 'role'],
  ['a numeric role', withMessage({ role: 1, content: 'x' }), 'application/json', 400, 'role'],
  ['an unknown role', withMessage({ role: 'wizard', content: 'x' }), 'application/json', 400, 'role'],
  ['numeric content', withMessage({ role: 'user', content: 42 }), 'application/json', 400, 'content'],
  ['object content', withMessage({ role: 'user', content: { text: 'x' } }), 'application/json', 400, 'content'],
  ['a content part without type', withMessage({ role: 'user', content: [{ text: 'x' }] }), 'application/json', 400, 'content'],
  ['a text part with numeric text', withMessage({ role: 'user', content: [{ type: 'text', text: 5 }] }), 'application/json', 400, 'text'],
  ['a numeric name', withMessage({ role: 'user', content: 'x', name: 5 }), 'application/json', 400, 'name'],
  ['a numeric tool_call_id', withMessage({ role: 'tool', content: 'x', tool_call_id: 5 }), 'application/json', 400, 'tool_call_id'],
  ['tool_calls an object', withMessage({ role: 'assistant', content: null, tool_calls: {} }), 'application/json', 400, 'tool_calls'],
  ['missing model', json({ messages }), 'application/json', 400, 'model'],
  ['a numeric model', json({ model: 7, messages }), 'application/json', 400, 'model'],
  ['a model that is not a router name', json({ model: 'gpt-4o', messages }), 'application/json', 400, 'router-'],
  ['an unknown router', json({ model: 'router-nope-0.5', messages }), 'application/json', 400, 'random'],
  ['a threshold that is not a number', json({ model: 'router-random-abc', messages }), 'application/json', 400, 'threshold'],
  ['a threshold above 1', json({ model: 'router-random-1.5', messages }), 'application/json', 400, 'threshold'],
  ['stream a string', withField('stream', 'yes'), 'application/json', 400, 'stream'],
  ['stream_options.include_usage a string', withField('stream_options', { include_usage: 'yes' }), 'application/json', 400, 'include_usage'],
  ['temperature a string', withField('temperature', 'hot'), 'application/json', 400, 'temperature'],
  ['temperature overflowing to infinity', `{"model":"${model}","messages":[{"role":"user","content":"x"}],"temperature":1e400}`, 'application/json', 400, 'temperature'],
  ['top_p above 1', withField('top_p', 5), 'application/json', 400, 'top_p'],
  ['n zero', withField('n', 0), 'application/json', 400, 'n '],
  ['n huge', withField('n', 1e20), 'application/json', 400, 'n '],
  ['max_tokens negative', withField('max_tokens', -1), 'application/json', 400, 'max_tokens'],
  ['max_tokens beyond any float', `{"model":"${model}","messages":[{"role":"user","content":"x"}],"max_tokens":1e400}`, 'application/json', 400, 'max_tokens'],
  ['max_tokens a string', withField('max_tokens', '100'), 'application/json', 400, 'max_tokens'],
  ['max_completion_tokens fractional', withField('max_completion_tokens', 10.5), 'application/json', 400, 'max_completion_tokens'],
  ['presence_penalty a string', withField('presence_penalty', 'x'), 'application/json', 400, 'presence_penalty'],
  ['frequency_penalty out of range', withField('frequency_penalty', -9), 'application/json', 400, 'frequency_penalty'],
  ['stop with five sequences', withField('stop', ['a', 'b', 'c', 'd', 'e']), 'application/json', 400, 'stop'],
  ['seed beyond safe integers', withField('seed', 1e30), 'application/json', 400, 'seed'],
  ['logprobs a number', withField('logprobs', 1), 'application/json', 400, 'logprobs'],
  ['logit_bias with a string bias', withField('logit_bias', { '1': 'x' }), 'application/json', 400, 'logit_bias'],
  ['tools a string', withField('tools', 'search'), 'application/json', 400, 'tools'],
  ['tool_choice a number', withField('tool_choice', 3), 'application/json', 400, 'tool_choice'],
  ['response_format a string', withField('response_format', 'json'), 'application/json', 400, 'response_format'],
  ['user an object', withField('user', { id: 1 }), 'application/json', 400, 'user'],
  ['nesting 1000 levels deep', `{"model":"${model}","messages":[{"role":"user","content":"x"}],"metadata":${'['.repeat(1000)}${']'.repeat(1000)}}`, 'application/json', 400, 'deeper'],
  ['a duplicate top-level key', `{"model":"${model}","model":"router-random-1","messages":[{"role":"user","content":"x"}]}`, 'application/json', 400, 'twice'],
  ['a duplicate key inside a message', `{"model":"${model}","messages":[{"role":"user","role":"system","content":"x"}]}`, 'application/json', 400, 'twice'],
  ['invalid UTF-8', Buffer.concat([Buffer.from(`{"model":"${model}","messages":[{"role":"user","content":"`), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}]}')]), 'application/json', 400, 'UTF-8'],
  ['content-type text/plain', json({ model, messages }), 'text/plain', 415, 'content-type'],
  ['content-type form', json({ model, messages }), 'application/x-www-form-urlencoded', 415, 'content-type'],
  ['content-type JSON in latin1', json({ model, messages }), 'application/json; charset=iso-8859-1', 415, 'content-type'],
  ['a body over the limit', json({ model, messages: [{ role: 'user', content: 'x'.repeat(100 * 1024) }] }), 'application/json', 413, 'limit'],
];

describe('malformed requests: 4xx with a message, never upstream, server stays up', () => {
  it('has at least 40 cases', () => {
    expect(rows.length + 3).toBeGreaterThanOrEqual(40); // +3: chunked over the limit and two header floods, below
  });

  it.each(rows)('%s', async (_name, body, contentType, status, fragment) => {
    const before = proxy.upstream.requests.length;
    const response = await fetch(`${proxy.server.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': contentType }, body });
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/json');
    const answer = (await response.json()) as { error: { message: string; type: string } };
    expect(answer.error.type).toBe('invalid_request_error');
    expect(answer.error.message.length).toBeGreaterThan(10);
    expect(answer.error.message.toLowerCase()).toContain(fragment.toLowerCase());
    expect(proxy.upstream.requests.length).toBe(before);
  });

  it('a chunked body that passes the limit is refused while it streams', async () => {
    const before = proxy.upstream.requests.length;
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const url = new URL(`${proxy.server.url}/v1/chat/completions`);
      const request = httpRequest({ hostname: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } });
      request.on('response', (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => {
          resolve({ status: response.statusCode ?? 0, body: text });
          request.destroy();
        });
      });
      request.on('error', reject);
      request.write(`{"model":"${model}","messages":[{"role":"user","content":"`);
      for (let i = 0; i < 20; i += 1) request.write('y'.repeat(8 * 1024));
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).error.message).toContain('limit');
    expect(proxy.upstream.requests.length).toBe(before);
  });

  it.each([
    ['a flood of 500 small headers', Array.from({ length: 500 }, (_, i) => `X-Flood-${i}: 1`).join('\r\n'), 431],
    ['one 64 KiB header', `X-Huge: ${'h'.repeat(64 * 1024)}`, 431],
  ])('%s', async (_name, headers, status) => {
    const before = proxy.upstream.requests.length;
    const body = json({ model, messages });
    const port = new URL(proxy.server.url).port;
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1');
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' || error.code === 'EPIPE' ? resolve(text) : reject(error)));
      socket.on('connect', () =>
        socket.end(`POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n${headers}\r\n\r\n${body}`),
      );
    });
    expect(reply.startsWith(`HTTP/1.1 ${status} `)).toBe(true);
    const answer = JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4)) as { error: { message: string } };
    expect(answer.error.message).toMatch(/header/);
    expect(proxy.upstream.requests.length).toBe(before);
  });

  it('is still up and answering, and counted every refusal', async () => {
    const data = await proxy.client().chat.completions.create({ model, messages: [{ role: 'user', content: 'still there?' }] });
    expect(data.choices[0]?.message.content).toBe(`answer from ${data.model}`);
    expect(proxy.upstream.requests.length).toBe(1);
    // The two bodies over --max-body (the row and the chunked one) have a reason of their own.
    await expect.poll(() => proxy.metric('routellm_rejected_requests_total{reason="too_large"}')).toBe(2);
    expect(await proxy.metric('routellm_rejected_requests_total{reason="bad_request"}')).toBeGreaterThanOrEqual(rows.length - 1);
    expect(await proxy.metric('routellm_in_flight_requests')).toBe(0);
  });
});
