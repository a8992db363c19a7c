import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProxy, type GatewayProxy } from '../helpers/gateway-harness.js';

let proxy: GatewayProxy;
beforeAll(async () => {
  proxy = await startGatewayProxy();
});
afterAll(async () => {
  await proxy.close();
});

/** Sends raw bytes; resolves with the status and body of the first answer. */
function raw(text: string): Promise<{ status: number; body: string }> {
  const port = Number(new URL(proxy.server.url).port);
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString('utf8');
      const head = received.indexOf('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(received);
      if (head >= 0 && length && received.length >= head + 4 + Number(length[1])) {
        socket.destroy();
        resolve({ status: Number(received.slice(9, 12)), body: received.slice(head + 4, head + 4 + Number(length[1])) });
      }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`closed after: ${JSON.stringify(received)}`)));
    socket.write(text);
  });
}

describe("answers Node would give empty are OpenAI-shaped", () => {
  it('400 for an HTTP/1.1 request without Host', async () => {
    const answer = await raw('GET /health HTTP/1.1\r\n\r\n');
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { type: 'invalid_request_error', code: 'missing_host', param: null } });
  });

  it('417 for an Expect other than 100-continue', async () => {
    const answer = await raw('POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\nContent-Length: 2\r\n\r\n{}');
    expect(answer.status).toBe(417);
    expect(JSON.parse(answer.body).error).toMatchObject({ type: 'invalid_request_error', code: 'expectation_failed' });
    expect(JSON.parse(answer.body).error.message).toContain('Expect: teapot');
  });
});

describe("a client's x-request-id", () => {
  it('is echoed, and logged beside the server\'s own id, so two requests never share one id in the log', async () => {
    for (let i = 0; i < 2; i += 1) {
      const response = await fetch(`${proxy.server.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'same-id' },
        body: JSON.stringify({ model: 'router-keyword-0.5', messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(response.headers.get('x-request-id')).toBe('same-id');
      await response.text();
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    const lines = proxy.logLines().filter((line) => line['client_request_id'] === 'same-id');
    expect(lines).toHaveLength(2);
    expect(lines[0]?.['request_id']).toMatch(/^req_[0-9a-f]{32}$/);
    expect(lines[0]?.['request_id']).not.toBe(lines[1]?.['request_id']);
  });
});
