import { APIError } from 'openai';
import { describe, expect, it } from 'vitest';
import { UpstreamError, UpstreamTimeoutError } from '../../../src/core/index.js';
import { loggedError } from '../../../src/server/observe/logged-error.js';
import { MalformedUpstreamError } from '../../../src/upstream/malformed-upstream-error.js';
import { RequestError } from '../../../src/server/errors/request-error.js';
import { UpstreamHttpError } from '../../../src/upstream/upstream-http-error.js';
import { PAIR, startGatewayProxy } from '../helpers/gateway-harness.js';

const ECHO = 'Invalid content: PATIENT John Doe SSN 123-45-6789';
const echoed = { status: 400, body: { error: { message: ECHO, type: 'invalid_request_error', param: 'messages', code: null } } };

describe('loggedError', () => {
  it("keeps the status and the upstream's type and code of an upstream error, not its message", () => {
    const error = new UpstreamHttpError(`model "m" answered 400: ${ECHO}`, { status: 400, body: echoed.body, headers: {} });
    expect(loggedError(error, ECHO, false)).toBe('model "m" answered 400 (invalid_request_error)');
    expect(loggedError(error, ECHO, true)).toBe(ECHO);
    const coded = new UpstreamHttpError('model "m" answered 429: slow down, PATIENT', { status: 429, body: { error: { type: 'rate_limit_error', code: 'rate_limit_exceeded' } }, headers: {} });
    expect(loggedError(coded, 'x', false)).toBe('model "m" answered 429 (rate_limit_error, rate_limit_exceeded)');
    // A type that is a sentence could be prompt text too: left out.
    const wordy = new UpstreamHttpError('model "m" answered 400: x', { status: 400, body: { error: { type: 'PATIENT John Doe' } }, headers: {} });
    expect(loggedError(wordy, 'x', false)).toBe('model "m" answered 400');
  });

  it("keeps the advice of a gateway-side refusal (401/403/404), not the upstream's words", () => {
    const error = new UpstreamHttpError(`model "m" refused the gateway's request (404: no model ${ECHO}); check the model name, base URL and API key`, {
      status: 502,
      body: undefined,
      headers: {},
    });
    expect(loggedError(error, error.message, false)).toBe(`model "m" refused the gateway's request (404); check the model name, base URL and API key`);
  });

  it("drops a malformed answer's preview, keeps timeouts, connection errors and our own refusals whole", () => {
    expect(loggedError(new MalformedUpstreamError(`the upstream sent a stream event that is not JSON: "${ECHO}"`), 'x', false)).toBe('the upstream sent a stream event that is not JSON');
    expect(loggedError(new MalformedUpstreamError('model "m" sent an event stream to a request with stream: false'), 'x', false)).toBe(
      'model "m" sent an event stream to a request with stream: false',
    );
    const timeout = new UpstreamTimeoutError('the upstream stream sent nothing for 1 s (--ttfb-timeout)');
    expect(loggedError(timeout, timeout.message, false)).toBe(timeout.message);
    const reset = new UpstreamError('cannot reach model "m": connect ECONNREFUSED 127.0.0.1:1');
    expect(loggedError(reset, reset.message, false)).toBe(reset.message);
    const ours = new RequestError(413, 'request body is larger than the limit');
    expect(loggedError(ours, ours.message, false)).toBe(ours.message);
  });
});

describe('an upstream 4xx that echoes the prompt', () => {
  it('reaches the client whole, and the log without the prompt', async () => {
    const proxy = await startGatewayProxy();
    try {
      proxy.upstream.behave = () => echoed;
      const error = (await proxy
        .client()
        .chat.completions.create({ model: 'router-keyword-0.5', messages: [{ role: 'user', content: 'PATIENT John Doe SSN 123-45-6789' }] })
        .catch((caught: unknown) => caught)) as APIError;
      expect(error.status).toBe(400);
      expect(error.message).toContain(ECHO);
      await expect.poll(() => proxy.logLines().find((line) => line['path'] === '/v1/chat/completions')).toBeDefined();
      const line = proxy.logLines().find((entry) => entry['path'] === '/v1/chat/completions') as Record<string, any>;
      expect(line).toMatchObject({ status: 400, level: 40 });
      expect(line['error']).toBe(`model "${PAIR.weak}" answered 400 (invalid_request_error)`);
      expect(proxy.logText()).not.toContain('PATIENT');
    } finally {
      await proxy.close();
    }
  });

  it('is logged whole with --log-prompts', async () => {
    const proxy = await startGatewayProxy({ gateway: { logPrompts: true } });
    try {
      proxy.upstream.behave = () => echoed;
      await proxy
        .client()
        .chat.completions.create({ model: 'router-keyword-0.5', messages: [{ role: 'user', content: 'PATIENT John Doe' }] })
        .catch(() => {});
      await expect.poll(() => proxy.logLines().find((line) => line['path'] === '/v1/chat/completions')?.['error']).toBe(ECHO);
    } finally {
      await proxy.close();
    }
  });
});
