import type { UpstreamEndpoint } from './providers.js';
import { UpstreamHttpError } from './upstream-http-error.js';

/** Upstream error statuses that are the gateway's own misconfiguration: the client's key is never forwarded. */
const GATEWAY_SIDE_STATUSES = new Set([401, 403, 404]);

/**
 * `model "X"`, as every upstream error names its endpoint. Not its URL: errors reach clients,
 * who have no business knowing internal hosts; serve prints each model's URL once at start-up.
 */
export function endpointLabel(endpoint: UpstreamEndpoint): string {
  return `model "${endpoint.model}"`;
}

/** A base URL as it may be shown: without credentials, query or fragment. */
export function publicURL(baseURL: string): string {
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

/**
 * Why a connection failed, without the address Node puts in its message ("connect ECONNREFUSED
 * 10.0.0.7:8000"): the error code when there is one. Errors reach clients, and the upstream's
 * address is printed once at start-up.
 */
export function connectionFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string' && code !== '') return code;
  return error instanceof Error ? error.message : String(error);
}

/** Longest upstream error text quoted in a message. */
const MAX_QUOTED = 500;

/**
 * What an upstream's error body says, whatever its shape: OpenAI's `{error: {message}}`, vLLM's
 * `{object: "error", message}`, FastAPI's `{detail}`, or plain text; `(no body)` only when empty.
 */
export function errorMessageOf(error: unknown, parsed: unknown, text: string): string {
  const detail = error as { message?: unknown } | undefined;
  if (typeof detail?.message === 'string') return detail.message;
  if (detail?.message) return quote(JSON.stringify(detail.message));
  if (typeof error === 'string') return quote(error);
  if (error) return quote(JSON.stringify(error));
  const record = parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
  if (typeof record?.['message'] === 'string') return quote(record['message']);
  if (record?.['detail'] !== undefined) return quote(typeof record['detail'] === 'string' ? record['detail'] : JSON.stringify(record['detail']));
  const trimmed = text.trim();
  return trimmed === '' ? 'status code (no body)' : quote(trimmed);
}

function quote(text: string): string {
  return text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}...` : text;
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
 * `caller` names whose request was refused (DEFAULT_CALLER: serve's gateway; label says its own).
 */
export function upstreamStatusError(
  endpoint: UpstreamEndpoint,
  status: number,
  message: string,
  error: unknown,
  headers: Record<string, string>,
  caller: string = DEFAULT_CALLER,
  keyOption: string = DEFAULT_KEY_OPTION,
): UpstreamHttpError {
  const where = endpointLabel(endpoint);
  const said = redact(message, endpoint.apiKey);
  if (GATEWAY_SIDE_STATUSES.has(status)) {
    // Without a key nothing was sent to authenticate: say so, rather than send the user to check a key they never set.
    const hint = endpoint.apiKey === undefined && status === 401 ? `no API key was sent (none is configured); pass ${keyOption}` : 'check the model name, base URL and API key';
    return new UpstreamHttpError(`${where} refused ${caller}'s request (${status}: ${said}); ${hint}`, {
      status: 502,
      body: undefined,
      headers: {},
      upstreamStatus: status,
    });
  }
  const body = error === undefined ? undefined : { error: JSON.parse(redact(JSON.stringify(error), endpoint.apiKey)) as unknown };
  return new UpstreamHttpError(`${where} answered ${status}: ${said}`, { status, body, headers });
}

/** The setting a 401 without a key names, unless told otherwise: serve's flag. */
export const DEFAULT_KEY_OPTION = '--api-key';

/** Whose request an upstream refuses, unless told otherwise: serve's. */
export const DEFAULT_CALLER = 'the gateway';

/** `text` with every occurrence of `secret` replaced; keys too short to be secrets are left alone. */
export function redact(text: string, secret: string | undefined): string {
  return secret !== undefined && secret.length >= 8 ? text.split(secret).join('[redacted]') : text;
}
