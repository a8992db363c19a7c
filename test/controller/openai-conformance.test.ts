import { APIError, APIUserAbortError, BadRequestError, InternalServerError, RateLimitError } from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { echoReply } from '../helpers/upstream-server.js';
import { SUBJECT_PAIR, SUBJECTS, type Subject } from '../helpers/conformance-subjects.js';

/*
 * The OpenAI client's scenarios, run the same way against `routellm serve` (the official client over
 * HTTP) and the Controller in-process: the same answers, the same chunks, the same error classes.
 * router-random-0 always routes strong, router-random-1 always weak.
 */

const messages = [{ role: 'user' as const, content: 'hello there' }];
const tools = [{ type: 'function' as const, function: { name: 'lookup', description: 'find a thing', parameters: { type: 'object', properties: { q: { type: 'string' } } } } }];

describe.each(SUBJECTS)('OpenAI client scenarios through %s', (_name, start) => {
  let subject: Subject;
  beforeAll(async () => {
    subject = await start();
  });
  afterEach(() => {
    subject.upstream.reply = echoReply;
  });
  afterAll(async () => {
    await subject.close();
  });

  it('answers a completion: the upstream body, routed, with its usage', async () => {
    const data = await subject.create({ model: 'router-random-0', messages, temperature: 0.2 });
    expect(data).toMatchObject({ object: 'chat.completion', model: SUBJECT_PAIR.strong, usage: { prompt_tokens: 10 } });
    expect(data.choices[0].message).toEqual({ role: 'assistant', content: 'echo: hello there', refusal: null });
    expect(subject.upstream.requests.at(-1)?.body).toEqual({ model: SUBJECT_PAIR.strong, messages, temperature: 0.2 });
  });

  it('streams chunks of one id, with no usage chunk unless asked, ending at finish_reason stop', async () => {
    const stream = await subject.create({ model: 'router-random-1', messages, stream: true });
    const chunks: any[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk' && chunk.model === SUBJECT_PAIR.weak)).toBe(true);
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('echo: hello there');
    expect(chunks.at(-1).choices[0].finish_reason).toBe('stop');
    expect(chunks.some((chunk) => chunk.usage)).toBe(false);
    // The upstream was asked for usage all the same, so the spend is counted.
    expect(subject.upstream.requests.at(-1)?.body.stream_options).toEqual({ include_usage: true });
  });

  it('streams the usage chunk when asked (stream_options.include_usage)', async () => {
    const stream = await subject.create({ model: 'router-random-1', messages, stream: true, stream_options: { include_usage: true } });
    const chunks: any[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.at(-1).choices).toEqual([]);
    expect(chunks.at(-1).usage.total_tokens).toBeGreaterThan(0);
  });

  it('passes tools through and answers a tool call', async () => {
    subject.upstream.reply = () => ({ kind: 'tool-call', name: 'lookup', arguments: '{"q":"routellm"}' });
    const data = await subject.create({ model: 'router-random-0', messages, tools, tool_choice: 'auto' });
    expect(subject.upstream.requests.at(-1)?.body).toMatchObject({ tools, tool_choice: 'auto' });
    expect(data.choices[0].finish_reason).toBe('tool_calls');
    expect(data.choices[0].message.tool_calls).toEqual([{ id: 'call_test1', type: 'function', function: { name: 'lookup', arguments: '{"q":"routellm"}' } }]);
  });

  it('streams a tool call in deltas that add up to its arguments', async () => {
    subject.upstream.reply = () => ({ kind: 'tool-call', name: 'lookup', arguments: '{"q":"routellm"}' });
    const stream = await subject.create({ model: 'router-random-0', messages, tools, stream: true });
    let name = '';
    let args = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      const call = chunk.choices[0]?.delta.tool_calls?.[0];
      name += call?.function?.name ?? '';
      args += call?.function?.arguments ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect({ name, args, finish }).toEqual({ name: 'lookup', args: '{"q":"routellm"}', finish: 'tool_calls' });
  });

  it('aborts a call whose answer has not come: APIUserAbortError, and the upstream request is closed', async () => {
    subject.upstream.reply = () => ({ kind: 'hang' });
    const before = subject.upstream.requests.length;
    const abort = new AbortController();
    const call = subject.create({ model: 'router-random-0', messages }, { signal: abort.signal });
    await subject.upstream.waitForRequests(before + 1);
    abort.abort();
    await expect(call).rejects.toBeInstanceOf(APIUserAbortError);
    expect(await subject.upstream.requests[before]?.closed).toEqual({ early: true });
  });

  it('stops the upstream stream when the reader leaves the loop early', async () => {
    subject.upstream.reply = () => ({ kind: 'stream', content: 'many slow words arrive one after another', delayMs: 30 });
    const before = subject.upstream.requests.length;
    const stream = await subject.create({ model: 'router-random-0', messages, stream: true });
    let seen = 0;
    for await (const _chunk of stream) {
      seen += 1;
      if (seen === 2) break;
    }
    expect(await subject.upstream.requests[before]?.closed).toEqual({ early: true });
  });

  it("ends the iteration quietly when the stream's controller aborts it", async () => {
    subject.upstream.reply = () => ({ kind: 'stream', content: 'many slow words arrive one after another', delayMs: 30 });
    const stream = await subject.create({ model: 'router-random-0', messages, stream: true });
    const text: string[] = [];
    for await (const chunk of stream) {
      text.push(chunk.choices[0]?.delta.content ?? '');
      if (text.length === 2) stream.controller.abort();
    }
    expect(text.length).toBe(2);
  });

  it('refuses an unknown router: BadRequestError on param model, code unknown_router', async () => {
    const error = await subject.create({ model: 'router-nope-0.5', messages }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ status: 400, param: 'model', code: 'unknown_router', type: 'invalid_request_error' });
    expect((error as Error).message).toContain('unknown router "nope"');
  });

  it('refuses a field of the wrong type before any upstream call: BadRequestError naming it', async () => {
    const before = subject.upstream.requests.length;
    const error = await subject.create({ model: 'router-random-0', messages, temperature: 5 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ param: 'temperature', code: 'invalid_value' });
    expect(subject.upstream.requests.length).toBe(before);
  });

  it("passes an upstream 400 through: BadRequestError with the upstream's error, routing headers", async () => {
    subject.upstream.reply = () => ({ kind: 'error', status: 400, body: { error: { message: 'max_tokens is too large', type: 'invalid_request_error', param: 'max_tokens', code: 'too_large' } } });
    const error = (await subject.create({ model: 'router-random-0', messages, max_tokens: 100_000 }).catch((caught: unknown) => caught)) as APIError;
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.error).toEqual({ message: 'max_tokens is too large', type: 'invalid_request_error', param: 'max_tokens', code: 'too_large' });
    expect(error.message).toBe('400 max_tokens is too large');
    expect(error.headers?.get('x-routellm-model')).toBe(SUBJECT_PAIR.strong);
    expect(error.requestID).toMatch(/^req_[0-9a-f]{32}$/);
  });

  it('passes a 429 from both models through as RateLimitError with retry-after', async () => {
    subject.upstream.reply = () => ({ kind: 'error', status: 429, headers: { 'retry-after': '7' }, body: { error: { message: 'Rate limit reached', type: 'requests', param: null, code: 'rate_limit_exceeded' } } });
    const error = (await subject.create({ model: 'router-random-0', messages }).catch((caught: unknown) => caught)) as APIError;
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.headers?.get('retry-after')).toBe('7');
    expect(error.headers?.get('x-routellm-attempts')).toBe('2');
  });

  it('answers 502 InternalServerError when both models fail', async () => {
    subject.upstream.reply = () => ({ kind: 'error', status: 500, body: { error: { message: 'boom', type: 'server_error', param: null, code: null } } });
    const error = (await subject.create({ model: 'router-random-0', messages }).catch((caught: unknown) => caught)) as APIError;
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error).toMatchObject({ status: 502, code: 'upstream_error' });
    expect(error.message).toContain('boom');
    expect(error.message).not.toContain('upstream-key');
  });

  it('answers with the other model when the routed one fails before its first byte', async () => {
    subject.upstream.reply = (request) => (request.body.model === SUBJECT_PAIR.strong ? { kind: 'error', status: 503 } : echoReply(request));
    const data = await subject.create({ model: 'router-random-0', messages });
    expect(data.model).toBe(SUBJECT_PAIR.weak);
  });

  it('throws an APIError from the loop when the upstream drops the stream mid-way', async () => {
    subject.upstream.reply = () => ({ kind: 'drop-stream', events: 3 });
    const stream = await subject.create({ model: 'router-random-0', messages, stream: true });
    const contents: string[] = [];
    const error = await (async () => {
      for await (const chunk of stream) contents.push(chunk.choices[0]?.delta.content ?? '');
    })().catch((caught: unknown) => caught);
    expect(contents.join('')).toBe('one two ');
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBeUndefined();
    expect((error as Error).message).toContain('ended early');
  });

  it("throws the upstream's own error event mid-stream as the SDK does", async () => {
    const chunk = JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'strong-model', choices: [{ index: 0, delta: { content: 'Hi' }, finish_reason: null }] });
    subject.upstream.reply = () => ({ kind: 'raw-stream', chunks: [`data: ${chunk}\n\n`, 'data: {"error":{"message":"overloaded mid-way","type":"server_error"}}\n\n'] });
    const stream = await subject.create({ model: 'router-random-0', messages, stream: true });
    const contents: string[] = [];
    const error = await (async () => {
      for await (const part of stream) contents.push(part.choices[0]?.delta.content ?? '');
    })().catch((caught: unknown) => caught);
    expect(contents).toEqual(['Hi']);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).error).toEqual({ message: 'overloaded mid-way', type: 'server_error', param: null, code: null });
  });
});

describe.each(SUBJECTS)('--deadline through %s', (_name, start) => {
  it('answers 504 InternalServerError naming --deadline when both models hang', async () => {
    const subject = await start({ deadline: 0.6 });
    try {
      subject.upstream.reply = () => ({ kind: 'hang' });
      const error = (await subject.create({ model: 'router-random-0', messages }).catch((caught: unknown) => caught)) as APIError;
      expect(error).toBeInstanceOf(InternalServerError);
      expect(error).toMatchObject({ status: 504, code: 'upstream_timeout' });
      expect(error.message).toContain('--deadline');
    } finally {
      await subject.close();
    }
  });
});
