import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SERVER_LIMITS } from '../../../src/server/options/http-options.js';
import { startGatewayProxy, type GatewayProxy } from '../helpers/gateway-harness.js';

let proxy: GatewayProxy;
beforeAll(async () => {
  proxy = await startGatewayProxy({ gateway: { limits: { ...DEFAULT_SERVER_LIMITS, headersTimeoutMs: 400, requestTimeoutMs: 800 } } });
});
afterAll(async () => {
  await proxy.close();
});

/** Writes `text` and never finishes the request; resolves with what the server sent before closing. */
function stall(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(new URL(proxy.server.url).port), '127.0.0.1');
    let reply = '';
    socket.on('data', (chunk) => (reply += chunk.toString()));
    socket.on('close', () => resolve(reply));
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? resolve(reply) : reject(error)));
    socket.on('connect', () => socket.write(text));
  });
}

describe('slow clients (slowloris) through the gateway server', () => {
  it('cuts a client that never finishes its headers with a 408, logged and counted as a slow client', async () => {
    const seen = proxy.logLines().length;
    const before = await proxy.metric('routellm_rejected_requests_total{reason="slow_client"}');
    const reply = await stall('POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    expect(reply.startsWith('HTTP/1.1 408 ')).toBe(true);
    // No request was ever parsed: the line has no method or path, but it is there.
    await expect.poll(() => proxy.logLines().slice(seen)).toHaveLength(1);
    expect(proxy.logLines()[seen]).toMatchObject({ status: 408, level: 40, method: '', path: '' });
    expect(proxy.logLines()[seen]?.['error']).toContain('in time');
    expect(await proxy.metric('routellm_rejected_requests_total{reason="slow_client"}')).toBe(before + 1);
  });

  it('cuts a client that never finishes its body, before anything reaches upstream: logged and counted as 408, not 499', async () => {
    const seen = proxy.logLines().length;
    const before = await proxy.metric('routellm_rejected_requests_total{reason="slow_client"}');
    const reply = await stall('POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"model": "router-random-0.5", ');
    expect(reply.startsWith('HTTP/1.1 408 ')).toBe(true);
    expect(JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4)).error.message).toContain('in time');
    expect(proxy.upstream.requests).toHaveLength(0);
    const find = () => proxy.logLines().slice(seen).find((line) => line['path'] === '/v1/chat/completions');
    await expect.poll(find).toBeDefined();
    expect(find()).toMatchObject({ status: 408, level: 40, method: 'POST' });
    expect(find()?.['error']).toContain('in time');
    expect(await proxy.metric('routellm_requests_total{router="none",model="none",status="408"}')).toBe(1);
    expect(await proxy.metric('routellm_requests_total{router="none",model="none",status="499"}')).toBe(0);
    expect(await proxy.metric('routellm_rejected_requests_total{reason="slow_client"}')).toBe(before + 1);
    expect(await proxy.metric('routellm_rejected_requests_total{reason="bad_request"}')).toBe(0);
  });

  it('keeps answering others, and leaves nothing in flight', async () => {
    const data = await proxy.client().chat.completions.create({ model: 'router-random-0.5', messages: [{ role: 'user', content: 'hi' }] });
    expect(data.choices[0]?.message.content).toContain('answer from');
    while ((await proxy.metric('routellm_in_flight_requests')) !== 0) await new Promise((resolve) => setTimeout(resolve, 10));
  });
});
