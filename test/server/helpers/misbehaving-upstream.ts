import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { completion, streamEvents } from '../../helpers/upstream-server.js';

/** How the upstream treats one request. */
export type Behaviour =
  | 'ok'
  | { status: number; headers?: Record<string, string>; body?: unknown }
  /** Never sends headers; holds the request until the proxy goes away. */
  | 'hang-before-headers'
  /** Sends headers and two events, then holds the stream open. */
  | 'hang-mid-stream'
  /** Sends headers, then nothing at all. */
  | 'hang-after-headers'
  /** 200 application/json whose body is not JSON. */
  | 'malformed-json'
  /** 200 text/event-stream whose first event is not JSON. */
  | 'malformed-sse'
  /** Like malformed-sse, but the connection is then held open: the proxy must let go of it. */
  | 'malformed-sse-held'
  /** 200 text/event-stream whose first event is an OpenAI error object. */
  | 'error-event'
  /** Sends a keep-alive comment, then an OpenAI error object as its first event (as OpenRouter can). */
  | 'comment-then-error'
  /** Sends only keep-alive comments, every 100 ms, until the proxy goes away. */
  | 'comments-only'
  /** Sends a whole stream, [DONE] included, then holds the response open. */
  | 'done-then-hang'
  /** Sends one event, then its own error event (`message` and `type` only, as some servers do), then ends. */
  | 'error-event-mid-stream'
  /** Sends two events, then destroys the socket. */
  | 'close-mid-stream'
  /** Destroys the socket as soon as the request arrives. */
  | 'close-before-headers'
  /** 200 application/json with a content-length, half the body, then the socket destroyed. */
  | 'truncated-json'
  /** A whole chat completion as application/json, whatever the request's `stream`. */
  | 'json-always'
  /** A whole event stream as text/event-stream, whatever the request's `stream`. */
  | 'sse-always'
  /** A normal non-streamed answer whose headers and body come only after `delayMs` (a long completion). */
  | { slowJsonMs: number }
  /** A stream of `words` content events, written as fast as the connection takes them. */
  | { longStreamWords: number }
  /** A stream that sends only `: keep-alive` comments every `everyMs` for `forMs`, then its events. */
  | { keepAliveMs: { everyMs: number; forMs: number } };

export interface SeenRequest {
  readonly model: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: any;
}

export interface MisbehavingUpstream {
  readonly baseURL: string;
  readonly requests: SeenRequest[];
  /** Decides per request, by upstream model name. */
  behave: (model: string, body: any) => Behaviour;
  /** Requests whose response is neither finished nor closed. */
  openRequests(): number;
  /** TCP connections open to this server right now. */
  openSockets(): number;
  close(): Promise<void>;
}

/**
 * An OpenAI-compatible upstream on 127.0.0.1 that misbehaves on demand, per model: errors,
 * hangs before headers or mid-stream, malformed JSON or SSE, connections dropped mid-stream.
 * Healthy answers use the shapes of the serve tests' upstream (`completion`, `streamEvents`).
 */
export async function startMisbehavingUpstream(behave: MisbehavingUpstream['behave'] = () => 'ok'): Promise<MisbehavingUpstream> {
  const requests: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  let open = 0;
  const state = { behave };
  let ids = 0;
  const server = createServer((request, response) => {
    if (request.method === 'GET' && (request.url ?? '').endsWith('/models')) {
      // No model list, as many OpenAI-compatible servers have none: serve's start-up probe says nothing.
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end('{"error":{"message":"no such route","type":"invalid_request_error","param":null,"code":null}}');
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      let body: any;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = undefined;
      }
      const model = typeof body?.model === 'string' ? body.model : 'unknown';
      requests.push({ model, headers: request.headers, body });
      open += 1;
      response.on('close', () => (open -= 1));
      answer(state.behave(model, body), model, body, request, response, `chatcmpl-mis${(ids += 1)}`);
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    get behave() {
      return state.behave;
    },
    set behave(fn) {
      state.behave = fn;
    },
    openRequests: () => open,
    openSockets: () => sockets.size,
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function answer(behaviour: Behaviour, model: string, body: any, request: IncomingMessage, response: ServerResponse, id: string): void {
  const stream = body?.stream === true;
  const events = streamEvents(id, model, `answer from ${model}`, body?.stream_options?.include_usage === true);
  const sseHead = () => response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  if (typeof behaviour === 'object' && 'keepAliveMs' in behaviour) {
    sseHead();
    response.flushHeaders();
    const { everyMs, forMs } = behaviour.keepAliveMs;
    const ping = setInterval(() => response.write(': keep-alive\n\n'), everyMs);
    const done = setTimeout(() => {
      clearInterval(ping);
      for (const event of events) response.write(event);
      response.end();
    }, forMs);
    response.once('close', () => {
      clearInterval(ping);
      clearTimeout(done);
    });
    return;
  }
  if (typeof behaviour === 'object' && 'longStreamWords' in behaviour) {
    sseHead();
    const all = streamEvents(id, model, 'word '.repeat(behaviour.longStreamWords), false);
    let next = 0;
    const pump = () => {
      while (next < all.length) if (!response.write(all[next++])) return void response.once('drain', pump);
      response.end();
    };
    pump();
    return;
  }
  if (typeof behaviour === 'object' && 'slowJsonMs' in behaviour) {
    const timer = setTimeout(() => answer('ok', model, body, request, response, id), behaviour.slowJsonMs);
    response.once('close', () => clearTimeout(timer));
    return;
  }
  if (typeof behaviour === 'object') {
    const text = JSON.stringify(behaviour.body ?? { error: { message: `upstream says ${behaviour.status}`, type: 'server_error', param: null, code: null } });
    response.writeHead(behaviour.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...behaviour.headers });
    response.end(text);
    return;
  }
  switch (behaviour) {
    case 'ok':
      if (stream) {
        sseHead();
        for (const event of events) response.write(event);
        response.end();
      } else {
        const text = JSON.stringify(completion(id, model, `answer from ${model}`));
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        response.end(text);
      }
      return;
    case 'hang-before-headers':
      return;
    case 'hang-after-headers':
      sseHead();
      response.flushHeaders();
      return;
    case 'hang-mid-stream':
      sseHead();
      response.write(events[0]);
      response.write(events[1]);
      return;
    case 'malformed-json':
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"id": "x", "choices": [ this is not json');
      return;
    case 'malformed-sse':
      sseHead();
      response.end('data: {"id": "x", "choices": [oops\n\ndata: [DONE]\n\n');
      return;
    case 'malformed-sse-held':
      sseHead();
      response.write('data: {"id": "x", "choices": [oops\n\n');
      return;
    case 'error-event':
      sseHead();
      response.end('data: {"error":{"message":"model overloaded","type":"server_error","param":null,"code":null}}\n\n');
      return;
    case 'comment-then-error':
      sseHead();
      response.write(': ping\n\n');
      setTimeout(() => response.end('data: {"error":{"message":"overloaded","type":"server_error","param":null,"code":null}}\n\n'), 20);
      return;
    case 'comments-only': {
      sseHead();
      response.write(': ping\n\n');
      const ping = setInterval(() => response.write(': ping\n\n'), 100);
      response.once('close', () => clearInterval(ping));
      return;
    }
    case 'done-then-hang':
      sseHead();
      for (const event of events) response.write(event);
      return;
    case 'error-event-mid-stream':
      sseHead();
      response.write(events[0]);
      response.end('data: {"error":{"message":"mid boom","type":"server_error"}}\n\n');
      return;
    case 'close-mid-stream':
      sseHead();
      response.write(events[0]);
      response.write(events[1], () => setTimeout(() => request.socket.destroy(), 10));
      return;
    case 'close-before-headers':
      request.socket.destroy();
      return;
    case 'truncated-json': {
      const text = JSON.stringify(completion(id, model, `answer from ${model}`));
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      response.write(text.slice(0, text.length >> 1), () => setTimeout(() => request.socket.destroy(), 10));
      return;
    }
    case 'json-always': {
      const text = JSON.stringify(completion(id, model, `answer from ${model}`));
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      response.end(text);
      return;
    }
    case 'sse-always':
      sseHead();
      for (const event of events) response.write(event);
      response.end();
      return;
  }
}
