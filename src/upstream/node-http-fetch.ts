import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { PassThroughResponse, type UpstreamResponse } from './chat-pass-through.js';
import { readCapped } from './read-capped.js';

/** A `fetch` for the openai SDK plus the agents behind it, so a server can close them on shutdown. */
export interface NodeHttpFetch {
  readonly fetch: typeof globalThis.fetch;
  /** Closes pooled keep-alive sockets. */
  destroy(): void;
}

const rawBodies = new WeakMap<object, IncomingMessage>();

/**
 * The upstream's own response stream behind a successful answer of the pass-through
 * (chat-pass-through.ts) or a Response made by `createNodeHttpFetch`. The proxy pipes these
 * bytes straight to its client: no web-stream conversion on the hot path. Returns undefined
 * for a Response from any other fetch; each answer's stream is handed out once.
 */
export function takeRawBody(response: UpstreamResponse): IncomingMessage | undefined {
  if (response instanceof PassThroughResponse) return response.takeIncoming();
  const raw = rawBodies.get(response);
  if (raw) rawBodies.delete(response);
  return raw;
}

/** Error bodies are read whole so the SDK can build its typed errors; they are small, but cap them anyway. */
const MAX_ERROR_BODY = 1024 * 1024;

/**
 * A lean fetch on node:http(s) with keep-alive agents, for the openai SDK's `fetch` option.
 * Measured (BENCHMARKS.md, proxy-overhead): Node's global fetch costs the proxy most of its
 * throughput at saturation; this keeps the SDK as the client while the bytes take the short road.
 * Supports what the SDK sends: string or byte bodies, a header record or Headers, an AbortSignal.
 */
export function createNodeHttpFetch(options: { maxSockets?: number } = {}): NodeHttpFetch {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? Infinity, scheduling: 'lifo' as const };
  const httpAgent = new http.Agent(agentOptions);
  const httpsAgent = new https.Agent(agentOptions);
  const urls = new Map<string, URL>();

  const fetch = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const href = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    let url = urls.get(href);
    if (!url) {
      url = new URL(href);
      // The SDK calls a handful of URLs; keep the parsed forms, but never grow without bound.
      if (urls.size < 64) urls.set(href, url);
    }
    const secure = url.protocol === 'https:';
    const signal = init.signal ?? undefined;
    return new Promise<Response>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortError(signal));
        return;
      }
      const headers = headerRecord(init.headers);
      const body = requestBody(init.body);
      if (body !== undefined) headers['content-length'] = String(body.byteLength);
      const request = (secure ? https : http).request({
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: init.method ?? 'GET',
        headers,
        agent: secure ? httpsAgent : httpAgent,
      });
      let incoming: IncomingMessage | undefined;
      const onAbort = () => {
        const error = abortError(signal as AbortSignal);
        // Destroying the socket is what tells the upstream that nobody is listening any more.
        request.destroy(error);
        incoming?.destroy(error);
        reject(error);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const forget = () => signal?.removeEventListener('abort', onAbort);
      request.on('error', (error) => {
        forget();
        // The SDK recognises connection failures by a thrown TypeError, as undici's fetch throws.
        reject(Object.assign(new TypeError(`fetch failed: ${error.message}`), { cause: error }));
      });
      request.on('response', (response) => {
        incoming = response;
        response.on('close', forget);
        const status = response.statusCode ?? 502;
        const responseHeaders = new Headers();
        const raw = response.rawHeaders;
        for (let i = 0; i < raw.length; i += 2) responseHeaders.append(raw[i] as string, raw[i + 1] as string);
        const statusText = response.statusMessage ?? '';
        if (status >= 200 && status < 300) {
          if (status === 204 || status === 205) {
            response.resume();
            resolve(new Response(null, { status, statusText, headers: responseHeaders }));
            return;
          }
          const result = new NodeBodyResponse(response, { status, statusText, headers: responseHeaders });
          rawBodies.set(result, response);
          resolve(result);
          return;
        }
        readCapped(response, MAX_ERROR_BODY).then(
          (bytes) => resolve(new Response(status === 304 ? null : bytes, { status: clampStatus(status), statusText, headers: responseHeaders })),
          (error: Error) => reject(Object.assign(new TypeError(`fetch failed: ${error.message}`), { cause: error })),
        );
      });
      request.end(body);
    });
  };

  return {
    fetch: fetch as typeof globalThis.fetch,
    destroy() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

/**
 * A Response whose body stays the upstream's IncomingMessage until someone asks for it.
 * Building a web ReadableStream per response costs more than the rest of this fetch
 * together (measured: about 9 µs of 40), and the proxy's hot path never reads it: it pipes
 * the raw stream (takeRawBody). The SDK's own parsing (typed calls) still works: `body`,
 * `text()`, `json()` and `arrayBuffer()` read the same stream on demand.
 */
class NodeBodyResponse extends Response {
  readonly incoming: IncomingMessage;
  web: ReadableStream<Uint8Array> | undefined;
  used = false;

  constructor(incoming: IncomingMessage, init: ResponseInit) {
    super(null, init);
    this.incoming = incoming;
  }
}

async function readAll(response: NodeBodyResponse): Promise<Buffer> {
  if (response.used) throw new TypeError('Body is unusable: Body has already been read');
  response.used = true;
  rawBodies.delete(response);
  const chunks: Buffer[] = [];
  for await (const chunk of response.incoming) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

// The DOM typings declare `body`, `text` and friends as properties, so TypeScript will not
// let a subclass override them; define them on the prototype once instead.
Object.defineProperties(NodeBodyResponse.prototype, {
  body: {
    get(this: NodeBodyResponse) {
      rawBodies.delete(this);
      this.web ??= toWebStream(this.incoming);
      return this.web;
    },
  },
  bodyUsed: {
    get(this: NodeBodyResponse) {
      return this.used;
    },
  },
  arrayBuffer: {
    async value(this: NodeBodyResponse) {
      const bytes = await readAll(this);
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    },
  },
  text: {
    async value(this: NodeBodyResponse) {
      return (await readAll(this)).toString('utf8');
    },
  },
  json: {
    async value(this: NodeBodyResponse) {
      return JSON.parse((await readAll(this)).toString('utf8'));
    },
  },
});

/** A web stream over an IncomingMessage, pulled on demand; cancelling it destroys the socket's response. */
function toWebStream(response: IncomingMessage): ReadableStream<Uint8Array> {
  let iterator: AsyncIterator<Buffer> | undefined;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        iterator ??= response[Symbol.asyncIterator]();
        const next = await iterator.next();
        if (next.done) controller.close();
        else controller.enqueue(new Uint8Array(next.value.buffer, next.value.byteOffset, next.value.byteLength));
      },
      cancel() {
        response.destroy();
      },
    },
    { highWaterMark: 0 },
  );
}

function headerRecord(headers: RequestInit['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  if (headers instanceof Headers) {
    headers.forEach((value, name) => {
      out[name] = value;
    });
  } else if (Array.isArray(headers)) {
    for (const pair of headers) out[String(pair[0]).toLowerCase()] = String(pair[1]);
  } else {
    for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name.toLowerCase()] = String(value);
  }
  return out;
}

function requestBody(body: RequestInit['body']): Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new TypeError('node-http fetch supports string and byte bodies only');
}

function clampStatus(status: number): number {
  // Response rejects statuses outside 200-599; an upstream answering 1xx as final is broken: call it 502.
  return status >= 200 && status <= 599 ? status : 502;
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  return new DOMException('This operation was aborted', 'AbortError');
}
