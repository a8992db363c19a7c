import { NotFoundError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxy, type Proxy } from '../../helpers/proxy-harness.js';

let proxy: Proxy;
beforeAll(async () => {
  // Shares resolve as with a table (win rates spread evenly over [0, 1]): /v1/models lists only names the server answers.
  proxy = await startProxy({ resolveShare: (_router, share) => 1 - share });
});
afterAll(async () => {
  await proxy.close();
});

describe('POST /v1/chat/completions through the official client', () => {
  it('answers a non-streaming request from the routed model, with the routing headers', async () => {
    const { data, response } = await proxy.client.chat.completions
      .create({ model: 'router-keyword-0.5', messages: [{ role: 'user', content: 'a HARD question' }] })
      .withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.choices[0]?.message.content).toBe('echo: a HARD question');
    expect(data.model).toBe('strong-model');
    expect(response.headers.get('x-routellm-model')).toBe('strong-model');
    expect(response.headers.get('x-routellm-router')).toBe('keyword');
    expect(response.headers.get('x-routellm-threshold')).toBe('0.5');
    expect(response.headers.get('x-routellm-strong-win-rate')).toBe('0.9');
    expect(response.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
    expect(response.headers.get('openai-processing-ms')).toMatch(/^\d+$/);
    expect(response.headers.get('content-type')).toContain('application/json');
  });

  it('sends an easy prompt to the weak model', async () => {
    const data = await proxy.client.chat.completions.create({ model: 'router-keyword-0.5', messages: [{ role: 'user', content: 'hi' }] });
    expect(data.model).toBe('weak-model');
  });

  it('routes on the last message only and forwards system and multi-turn messages untouched', async () => {
    const messages = [
      { role: 'system' as const, content: 'You are terse.' },
      { role: 'user' as const, content: 'a HARD one first' },
      { role: 'assistant' as const, content: 'noted' },
      { role: 'user' as const, content: 'now something easy' },
    ];
    const before = proxy.upstream.requests.length;
    const data = await proxy.client.chat.completions.create({ model: 'router-keyword-0.5', messages, temperature: 0.2, max_tokens: 7 });
    expect(data.model).toBe('weak-model');
    const seen = proxy.upstream.requests[before];
    expect(seen?.body).toEqual({ model: 'weak-model', messages, temperature: 0.2, max_tokens: 7 });
  });

  it('passes tools and multimodal content through, routing on the text parts', async () => {
    const tools = [
      { type: 'function' as const, function: { name: 'lookup', description: 'find a thing', parameters: { type: 'object', properties: { q: { type: 'string' } } } } },
    ];
    const content = [
      { type: 'text' as const, text: 'describe this HARD image' },
      { type: 'image_url' as const, image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
    ];
    const before = proxy.upstream.requests.length;
    const data = await proxy.client.chat.completions.create({
      model: 'router-keyword-0.5',
      messages: [{ role: 'user', content }],
      tools,
      tool_choice: 'auto',
      response_format: { type: 'text' },
    });
    expect(data.model).toBe('strong-model');
    const seen = proxy.upstream.requests[before]?.body;
    expect(seen.tools).toEqual(tools);
    expect(seen.tool_choice).toBe('auto');
    expect(seen.response_format).toEqual({ type: 'text' });
    expect(seen.messages[0].content).toEqual(content);
  });

  it('streams chunks through and ends with the stream', async () => {
    const stream = await proxy.client.chat.completions.create({
      model: 'router-keyword-0.5',
      messages: [{ role: 'user', content: 'stream me please' }],
      stream: true,
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk')).toBe(true);
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('echo: stream me please');
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.some((chunk) => chunk.usage)).toBe(false);
  });

  it('streams with stream_options.include_usage: a last chunk with no choices and the usage', async () => {
    const before = proxy.upstream.requests.length;
    const { data: stream, response } = await proxy.client.chat.completions
      .create({
        model: 'router-keyword-0.5',
        messages: [{ role: 'user', content: 'count my HARD tokens' }],
        stream: true,
        stream_options: { include_usage: true },
      })
      .withResponse();
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    expect(response.headers.get('x-routellm-model')).toBe('strong-model');
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage?.total_tokens).toBeGreaterThan(0);
    expect(proxy.upstream.requests[before]?.body.stream_options).toEqual({ include_usage: true });
  });

  it('never forwards the client key or its x-stainless headers, and echoes x-request-id', async () => {
    const before = proxy.upstream.requests.length;
    const { response } = await proxy.client.chat.completions
      .create(
        { model: 'router-random-0', messages: [{ role: 'user', content: 'hi' }] },
        { headers: { 'x-request-id': 'my-trace-42', 'x-stainless-leak': 'client-side' } },
      )
      .withResponse();
    expect(response.headers.get('x-request-id')).toBe('my-trace-42');
    const seen = proxy.upstream.requests[before];
    expect(seen?.headers.authorization).toBe('Bearer upstream-key');
    expect(seen?.headers['x-stainless-leak']).toBeUndefined();
    expect(JSON.stringify(seen?.headers)).not.toContain('client-key');
  });

  it('routes deterministically at thresholds 0 (always strong) and 1 (always weak) with random', async () => {
    for (let i = 0; i < 5; i += 1) {
      const strong = await proxy.client.chat.completions.create({ model: 'router-random-0', messages: [{ role: 'user', content: `q${i}` }] });
      const weak = await proxy.client.chat.completions.create({ model: 'router-random-1', messages: [{ role: 'user', content: `q${i}` }] });
      expect([strong.model, weak.model]).toEqual(['strong-model', 'weak-model']);
    }
  });

  it('answers 200 concurrent requests, each with its own answer', async () => {
    const prompts = Array.from({ length: 200 }, (_, i) => `prompt number ${i}${i % 3 === 0 ? ' HARD' : ''}`);
    const results = await Promise.all(
      prompts.map(async (prompt, i) => {
        if (i % 2 === 0) {
          const data = await proxy.client.chat.completions.create({ model: 'router-keyword-0.5', messages: [{ role: 'user', content: prompt }] });
          return { text: data.choices[0]?.message.content, model: data.model };
        }
        const stream = await proxy.client.chat.completions.create({ model: 'router-keyword-0.5', messages: [{ role: 'user', content: prompt }], stream: true });
        let text = '';
        let model = '';
        for await (const chunk of stream) {
          text += chunk.choices[0]?.delta.content ?? '';
          model = chunk.model;
        }
        return { text, model };
      }),
    );
    results.forEach((result, i) => {
      expect(result.text).toBe(`echo: ${prompts[i]}`);
      expect(result.model).toBe(i % 3 === 0 ? 'strong-model' : 'weak-model');
    });
    expect(proxy.server.inFlight()).toBe(0);
  });
});

describe('GET endpoints', () => {
  it('lists each router at the shares 20%, 50% and 80% in OpenAI list shape', async () => {
    const models = [];
    for await (const model of proxy.client.models.list()) models.push(model);
    // Shares, not raw thresholds: a raw 0.5 or 0.75 sent nothing strong with the default router.
    expect(models.map((model) => model.id)).toEqual([
      'router-keyword-20%',
      'router-keyword-50%',
      'router-keyword-80%',
      'router-random-20%',
      'router-random-50%',
      'router-random-80%',
    ]);
    expect(models.every((model) => model.object === 'model' && model.owned_by === 'routellm' && Number.isInteger(model.created))).toBe(true);
  });

  it('reports health', async () => {
    const response = await fetch(`${proxy.server.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'online', routers: ['keyword', 'random'] });
  });

  it('retrieves every listed model by id (client.models.retrieve)', async () => {
    const listed = [];
    for await (const model of proxy.client.models.list()) listed.push(model);
    for (const model of listed) expect(await proxy.client.models.retrieve(model.id)).toEqual(model);
  });

  it('retrieves any id chat completions would route, listed or not (another threshold)', async () => {
    expect(await proxy.client.models.retrieve('router-random-0.3')).toMatchObject({ id: 'router-random-0.3', object: 'model', owned_by: 'routellm' });
  });

  it.each(['gpt-4o', 'router-nope-0.5', 'router-random-1.5', 'a/b'])('answers an OpenAI-shaped 404 model_not_found for %j', async (id) => {
    const error = await proxy.client.models.retrieve(id).catch((e) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.error).toEqual({ message: expect.stringContaining('GET /v1/models'), type: 'invalid_request_error', param: 'model', code: 'model_not_found' });
  });

  it.each(['/v1/models/%E0%A4%A', '/v1/models/', '/v1/models/router-random-0.5/extra'])('answers 404 model_not_found for the path %s', async (path) => {
    const response = await fetch(`${proxy.server.url}${path}`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as any).error.code).toBe('model_not_found');
  });

  it.each(['/health', '/v1/models', '/v1/models/router-random-0.5'])('answers HEAD %s like GET, without a body', async (path) => {
    const [get, head] = await Promise.all([fetch(`${proxy.server.url}${path}`), fetch(`${proxy.server.url}${path}`, { method: 'HEAD' })]);
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('application/json');
    expect(head.headers.get('content-length')).toBe(get.headers.get('content-length'));
    expect(await head.text()).toBe('');
    expect((await get.text()).length).toBeGreaterThan(0);
  });
});
