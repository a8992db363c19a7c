import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { Agent } from 'undici';
import { UpstreamError, UpstreamTimeoutError } from '../core/index.js';
import type { AbortSignalLike } from './light-abort.js';
import type { UpstreamEndpoint } from './providers.js';
import { readCapped } from './read-capped.js';
import { retryAfterMs } from './retry-after.js';
import { connectionFailure, DEFAULT_CALLER, DEFAULT_KEY_OPTION, endpointLabel, errorMessageOf, isKeptErrorHeader, upstreamStatusError } from './upstream-error-details.js';

/** What the chat pipeline reads from an upstream answer: status, headers, and its body as Node's own stream. */
export interface UpstreamResponse {
  readonly status: number;
  readonly headers: ResponseHeaders;
  /** The upstream's byte stream, to relay or read; handed out once. */
  takeBody(): Readable;
  /** The body as text (label reads whole completions). */
  text(): Promise<string>;
}

/** The response headers, read by name (lower-case names, values joined as fetch joins them). */
export interface ResponseHeaders {
  get(name: string): string | null;
  forEach(callback: (value: string, name: string) => void): void;
}

/** Error bodies are read whole to build the typed error; they are small, but cap them anyway. */
const MAX_ERROR_BODY = 1024 * 1024;

/** Response headers over node's already lower-cased record: no undici Headers object per answer. */
class IncomingHeaders implements ResponseHeaders {
  readonly #raw: IncomingHttpHeaders;
  constructor(raw: IncomingHttpHeaders) {
    this.#raw = raw;
  }
  get(name: string): string | null {
    const value = this.#raw[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  }
  forEach(callback: (value: string, name: string) => void): void {
    for (const name of Object.keys(this.#raw)) {
      const value = this.#raw[name];
      if (value !== undefined) callback(Array.isArray(value) ? value.join(', ') : value, name);
    }
  }
}

/** A successful pass-through answer: status, headers, and the upstream's own byte stream, which the pipeline relays. */
export class PassThroughResponse implements UpstreamResponse {
  readonly status: number;
  readonly headers: IncomingHeaders;
  #body: Readable | undefined;

  constructor(status: number, headers: IncomingHttpHeaders, body: Readable) {
    this.status = status;
    this.headers = new IncomingHeaders(headers);
    this.#body = body;
  }

  takeBody(): Readable {
    const body = this.#body;
    if (!body) throw new TypeError('the upstream body was already taken');
    this.#body = undefined;
    return body;
  }

  async text(): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of this.takeBody()) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
}

/** The connection pools of the pass-through, one per Upstreams: undici's Agent (a keep-alive pool per origin). */
export interface PassThroughAgents {
  readonly dispatcher: Agent;
}

/**
 * undici's Agent, chosen by measurement over node:http's agents (docs/development.md, design notes;
 * BENCHMARKS.md, http-client). Its own clocks are off: the chat pipeline's deadline bounds every
 * attempt (undici's default 300 s between body chunks would cut a slow stream the pipeline allows).
 */
export function createPassThroughAgents(): PassThroughAgents {
  return { dispatcher: new Agent({ headersTimeout: 0, bodyTimeout: 0, keepAliveTimeout: 4_000 }) };
}

/** One model's pass-through target, resolved once: its origin, path and the request headers that never change. */
export interface PassThroughTarget {
  readonly endpoint: UpstreamEndpoint;
  readonly origin: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Whose request an error names as refused (`the gateway`, `routellm label`). */
  readonly caller: string;
  /** The setting that gives a key, as a 401 without one names it (`--api-key`, or `apiKey` to a program). */
  readonly keyOption: string;
}

/** Builds the pass-through target of an endpoint (OpenAI organisation/project headers only for OpenAI). */
export function passThroughTarget(
  endpoint: UpstreamEndpoint,
  extraHeaders: Readonly<Record<string, string>> = {},
  caller: string = DEFAULT_CALLER,
  keyOption: string = DEFAULT_KEY_OPTION,
): PassThroughTarget {
  const url = new URL(endpoint.chatURL);
  const headers = {
    accept: 'application/json',
    'content-type': 'application/json',
    'user-agent': 'routellm',
    ...endpoint.authHeaders,
    ...extraHeaders,
  };
  return { endpoint, origin: url.origin, path: url.pathname + url.search, headers, caller, keyOption };
}

export interface PassThroughOptions {
  readonly signal: AbortSignalLike;
  /** Retries for connection errors, timeouts, 408/409/429 and 5xx (as the openai SDK decides them). */
  readonly maxRetries: number;
  /** Milliseconds until the response headers; undefined for none. */
  readonly timeoutMs: number | undefined;
}

/**
 * POSTs a chat-completions body through undici's pool and resolves with the answer once its
 * headers are in, body unread. The hot path of the proxy: no SDK, no fetch, no web streams
 * (measured in BENCHMARKS.md, http-client and proxy-overhead). Errors are the core's
 * UpstreamError family with the messages, statuses and retry rules of the openai SDK (one retry
 * at most on connection errors, timeouts, 408/409/429/5xx, an upstream's `x-should-retry` obeyed).
 */
export function postChat(target: PassThroughTarget, agents: PassThroughAgents, body: Buffer, options: PassThroughOptions): Promise<PassThroughResponse> {
  // The first attempt without an async frame around it (the common case: it answers).
  return attempt(target, agents, body, options).then((outcome) =>
    outcome instanceof PassThroughResponse ? outcome : retryAfterFailure(target, agents, body, options, outcome),
  );
}

/** After a failed first attempt: the retries left, if the failure allows them. */
async function retryAfterFailure(target: PassThroughTarget, agents: PassThroughAgents, body: Buffer, options: PassThroughOptions, first: Failure): Promise<PassThroughResponse> {
  let outcome: PassThroughResponse | Failure = first;
  for (let retriesLeft = options.maxRetries; ; retriesLeft -= 1) {
    if (outcome instanceof PassThroughResponse) return outcome;
    if (retriesLeft <= 0 || !outcome.retry || options.signal.aborted) throw outcome.error;
    await sleep(outcome.delayMs ?? defaultRetryDelayMs(options.maxRetries - retriesLeft), options.signal);
    outcome = await attempt(target, agents, body, options);
  }
}

interface Failure {
  readonly error: UpstreamError;
  readonly retry: boolean;
  readonly delayMs?: number | undefined;
}

function attempt(target: PassThroughTarget, agents: PassThroughAgents, body: Buffer, options: PassThroughOptions): Promise<PassThroughResponse | Failure> {
  const { signal, timeoutMs } = options;
  const where = endpointLabel(target.endpoint);
  if (signal.aborted) return Promise.reject(new UpstreamError(`request to ${where} was aborted`));
  return agents.dispatcher
    .request({
      origin: target.origin,
      path: target.path,
      method: 'POST',
      headers: target.headers,
      body,
      // undici listens to it as it would to an AbortSignal; aborting destroys the request, and the body once streaming.
      signal: signal as never,
      ...(timeoutMs === undefined ? {} : { headersTimeout: timeoutMs }),
    })
    .then<PassThroughResponse | Failure, Failure>(
      (response): PassThroughResponse | Promise<Failure> => {
        const status = response.statusCode;
        if (status >= 200 && status < 300) return new PassThroughResponse(status, response.headers as IncomingHttpHeaders, response.body);
        return readCapped(response.body, MAX_ERROR_BODY).then(
          (bytes) => statusFailure(target, status, bytes.toString('utf8'), response.headers as IncomingHttpHeaders),
          (error: Error): Failure => ({ error: new UpstreamError(`cannot reach ${where}: ${connectionFailure(error)}`, { cause: error }), retry: true }),
        );
      },
      (error: Error & { code?: string }): Failure => {
        if (signal.aborted) throw new UpstreamError(`request to ${where} was aborted`, { cause: error });
        if (error.code === 'UND_ERR_HEADERS_TIMEOUT') return { error: new UpstreamTimeoutError(`${where} did not answer in time`, { cause: error }), retry: true };
        return { error: new UpstreamError(`cannot reach ${where}: ${connectionFailure(error)}`, { cause: error }), retry: true };
      },
    );
}

/** An error status, with the message the openai SDK would report for it, as a typed failure. */
function statusFailure(target: PassThroughTarget, status: number, text: string, headers: IncomingHttpHeaders): Failure {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const error = parsed === undefined || parsed === null || typeof parsed !== 'object' ? undefined : (parsed as Record<string, unknown>)['error'];
  const message = errorMessageOf(error, parsed, text);
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value === 'string' && isKeptErrorHeader(name)) kept[name] = value;
  }
  const shouldRetry = headers['x-should-retry'];
  const retry = shouldRetry === 'true' ? true : shouldRetry === 'false' ? false : status === 408 || status === 409 || status === 429 || status >= 500;
  return { error: upstreamStatusError(target.endpoint, status, message, error, kept, target.caller, target.keyOption), retry, delayMs: retryAfterWithinMinute(headers) };
}

/** The wait an upstream asked for, when sane for one retry within a request (under a minute). */
function retryAfterWithinMinute(headers: IncomingHttpHeaders): number | undefined {
  const ms = retryAfterMs((name) => {
    const value = headers[name];
    return typeof value === 'string' ? value : undefined;
  });
  return ms !== undefined && ms < 60_000 ? ms : undefined;
}

/** The SDK's default back-off: 0.5 s doubling per retry, at most 8 s, minus up to 25% jitter. */
function defaultRetryDelayMs(retriesDone: number): number {
  return Math.min(0.5 * 2 ** retriesDone, 8) * (1 - Math.random() * 0.25) * 1000;
}

function sleep(ms: number, signal: AbortSignalLike): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

