import { APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProxy, type GatewayProxy } from '../helpers/gateway-harness.js';

const RIGHT = 'sk-client-right-0123456789';
const OTHER = 'sk-client-second-key';
const WRONG = 'sk-client-wrong-9876543210';
let proxy: GatewayProxy;
beforeAll(async () => {
  proxy = await startGatewayProxy({ gateway: { authKeys: [RIGHT, OTHER] } });
});
afterAll(async () => {
  await proxy.close();
});

const ask = (apiKey: string) =>
  proxy.client(apiKey).chat.completions.create({ model: 'router-random-0.5', messages: [{ role: 'user', content: 'hello' }] });

describe('--auth-key', () => {
  it('refuses a request without a key: 401 invalid_api_key, never upstream', async () => {
    const response = await fetch(`${proxy.server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'router-random-0.5', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    const body = (await response.json()) as { error: Record<string, unknown> };
    expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_api_key', param: null });
    expect(proxy.upstream.requests).toHaveLength(0);
  });

  it('refuses a wrong key through the official client, without echoing it', async () => {
    const error = (await ask(WRONG).catch((caught: unknown) => caught)) as APIError;
    expect(error).toBeInstanceOf(APIError);
    expect(error.status).toBe(401);
    expect(error.code).toBe('invalid_api_key');
    expect(error.message).not.toContain(WRONG);
    expect(proxy.upstream.requests).toHaveLength(0);
  });

  it('accepts each configured key and never forwards it upstream', async () => {
    for (const key of [RIGHT, OTHER]) {
      const data = await ask(key);
      expect(data.choices[0]?.message.content).toContain('answer from');
    }
    expect(proxy.upstream.requests).toHaveLength(2);
    for (const request of proxy.upstream.requests) {
      expect(request.headers.authorization).toBe('Bearer sk-upstream-secret');
      expect(JSON.stringify(request.headers)).not.toContain('sk-client');
    }
  });

  it('keeps /health open and puts /metrics and /v1/routellm/stats behind the key', async () => {
    expect((await fetch(`${proxy.server.url}/health`)).status).toBe(200);
    expect((await fetch(`${proxy.server.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${proxy.server.url}/v1/routellm/stats`)).status).toBe(401);
    expect((await fetch(`${proxy.server.url}/v1/models`)).status).toBe(401);
    expect((await fetch(`${proxy.server.url}/v1/models/router-keyword-0.5`)).status).toBe(401);
    expect((await fetch(`${proxy.server.url}/health`, { method: 'HEAD' })).status).toBe(200);
    const metrics = await fetch(`${proxy.server.url}/metrics`, { headers: { authorization: `Bearer ${RIGHT}` } });
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('routellm_rejected_requests_total{reason="auth"}');
  });

  it('never writes a client or upstream key to the request log', async () => {
    const log = proxy.logText();
    expect(log.length).toBeGreaterThan(0);
    expect(proxy.logLines().some((line) => line['status'] === 401)).toBe(true);
    for (const secret of [RIGHT, OTHER, WRONG, 'sk-upstream-secret', 'sk-client']) expect(log).not.toContain(secret);
  });
});
