import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAIR, startGatewayProxy, type GatewayProxy } from '../helpers/gateway-harness.js';

let proxy: GatewayProxy;
beforeAll(async () => {
  proxy = await startGatewayProxy({ maxBody: 64 * 1024 });
});
afterAll(async () => {
  await proxy.close();
});

const body = JSON.stringify({ model: 'router-keyword-0.5', messages: [{ role: 'user', content: 'a HARD question, compressed' }] });

function post(bytes: Uint8Array, encoding: string) {
  return fetch(`${proxy.server.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': encoding }, body: bytes });
}

describe('a request body with Content-Encoding', () => {
  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
  ])('%s is decoded, routed and forwarded as JSON', async (encoding, compress) => {
    const seen = proxy.upstream.requests.length;
    const response = await post(compress(Buffer.from(body)), encoding);
    expect(response.status).toBe(200);
    expect(((await response.json()) as any).choices[0].message.content).toBe(`answer from ${PAIR.strong}`);
    expect(proxy.upstream.requests[seen]?.body.messages[0].content).toBe('a HARD question, compressed');
  });

  it('an encoding the server cannot decode is a 415', async () => {
    const response = await post(Buffer.from(body), 'zstd');
    expect(response.status).toBe(415);
    expect(((await response.json()) as any).error).toMatchObject({ code: 'unsupported_content_encoding' });
  });

  it('a small gzip body that decodes past --max-body is a 413 (no zip bomb)', async () => {
    const bomb = gzipSync(Buffer.from(JSON.stringify({ model: 'router-keyword-0.5', messages: [{ role: 'user', content: 'x'.repeat(1024 * 1024) }] })));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const response = await post(bomb, 'gzip');
    expect(response.status).toBe(413);
  });

  it('bytes that are not gzip are a 400 naming the encoding', async () => {
    const response = await post(Buffer.from(body), 'gzip');
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).error).toMatchObject({ code: 'invalid_encoding' });
  });
});
