import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SERVER_LIMITS } from '../../src/gateway/server-limits.js';
import { startGatewayProxy, type GatewayProxy } from './helpers/gateway-harness.js';

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
  it('cuts a client that never finishes its headers with a 408', async () => {
    const reply = await stall('POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    expect(reply.startsWith('HTTP/1.1 408 ')).toBe(true);
  });

  it('cuts a client that never finishes its body, before anything reaches upstream', async () => {
    const reply = await stall('POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"model": "router-random-0.5", ');
    expect(reply.startsWith('HTTP/1.1 408 ')).toBe(true);
    expect(JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4)).error.message).toContain('in time');
    expect(proxy.upstream.requests).toHaveLength(0);
  });

  it('keeps answering others, and leaves nothing in flight', async () => {
    const data = await proxy.client().chat.completions.create({ model: 'router-random-0.5', messages: [{ role: 'user', content: 'hi' }] });
    expect(data.choices[0]?.message.content).toContain('answer from');
    while ((await proxy.metric('routellm_in_flight_requests')) !== 0) await new Promise((resolve) => setTimeout(resolve, 10));
  });
});
