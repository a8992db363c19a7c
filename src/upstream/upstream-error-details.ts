import type { UpstreamEndpoint } from './providers.js';
import { UpstreamHttpError } from './upstream-http-error.js';

/** Upstream error statuses that are the gateway's own misconfiguration: the client's key is never forwarded. */
const GATEWAY_SIDE_STATUSES = new Set([401, 403, 404]);

/**
 * `model "X" at https://host/v1`, as every upstream error names its endpoint: the URL without
 * credentials, query or fragment, which clients and logs must never see.
 */
export function endpointLabel(endpoint: UpstreamEndpoint): string {
  return `model "${endpoint.model}" at ${publicURL(endpoint.baseURL)}`;
}

function publicURL(baseURL: string): string {
  try {
    const url = new URL(baseURL);
    url.username = '';
    url.password = '';
    url.search = '';
    url.hash = '';
    return url.href.replace(/\/$/, '');
  } catch {
    return '(invalid base URL)';
  }
}

/** True for the headers of an upstream error a client can act on: when to retry, and its rate limits. */
export function isKeptErrorHeader(name: string): boolean {
  return name === 'retry-after' || name === 'retry-after-ms' || name === 'x-should-retry' || name.startsWith('x-ratelimit-');
}

/**
 * The typed error for an upstream's error status, shared by the pass-through and the SDK path.
 * The endpoint's API key is scrubbed from everything the upstream said (some echo it back).
 * 401/403/404 mean the gateway's key, model name or URL is wrong, not the client's request:
 * they become a 502 the fallback may answer, instead of an auth error blamed on the client.
 */
export function upstreamStatusError(
  endpoint: UpstreamEndpoint,
  status: number,
  message: string,
  error: unknown,
  headers: Record<string, string>,
): UpstreamHttpError {
  const where = endpointLabel(endpoint);
  const said = redact(message, endpoint.apiKey);
  if (GATEWAY_SIDE_STATUSES.has(status)) {
    return new UpstreamHttpError(`${where} refused the gateway's request (${status}: ${said}); check the model name, base URL and API key`, {
      status: 502,
      body: undefined,
      headers: {},
    });
  }
  const body = error === undefined ? undefined : { error: JSON.parse(redact(JSON.stringify(error), endpoint.apiKey)) as unknown };
  return new UpstreamHttpError(`${where} answered ${status}: ${said}`, { status, body, headers });
}

/** `text` with every occurrence of `secret` replaced; keys too short to be secrets are left alone. */
export function redact(text: string, secret: string): string {
  return secret.length >= 8 ? text.split(secret).join('[redacted]') : text;
}
