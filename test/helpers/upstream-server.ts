import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the upstream test server received. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** Parsed JSON body (undefined when not JSON). */
  readonly body: any;
  /** Resolves when the connection or response closed; `early` is true if it closed before the reply finished. */
  readonly closed: Promise<{ early: boolean }>;
}

/** How the upstream answers one request. */
export type UpstreamReply =
  | { kind: 'json'; content?: string; status?: number; headers?: Record<string, string>; delayMs?: number }
  | { kind: 'stream'; content?: string; delayMs?: number }
  | { kind: 'error'; status: number; body?: unknown; raw?: string; headers?: Record<string, string> }
  /** Headers are never sent; the request hangs until the client goes away. */
  | { kind: 'hang' }
  /** A stream that sends `events` content chunks (the last one cut in half), then drops the connection. */
  | { kind: 'drop-stream'; events: number }
  /** A stream that sends `events` chunks and then stalls, holding the connection open. */
  | { kind: 'stall-stream'; events: number }
  /** An SSE body written exactly as given, one write per chunk (a tick apart); `drop` cuts the connection after the last. */
  | { kind: 'raw-stream'; chunks: string[]; drop?: boolean }
  /** The model calls a tool: a completion with `tool_calls`, or (a stream request) the tool call in deltas. */
  | { kind: 'tool-call'; name: string; arguments: string };

export interface UpstreamServer {
  /** OpenAI base URL: `http://127.0.0.1:<port>/v1`. */
  readonly baseURL: string;
  readonly requests: RecordedRequest[];
  /** Decides each reply; the default echoes the last message (JSON or stream as asked). */
  reply: (request: RecordedRequest) => UpstreamReply;
  /** Resolves once `count` requests have arrived. */
  waitForRequests(count: number): Promise<void>;
  close(): Promise<void>;
}

/** The text of the last message, as the default reply echoes it. */
export function lastText(body: any): string {
  const content = body?.messages?.at(-1)?.content;
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.filter((part: any) => part?.type === 'text').map((part: any) => part.text).join('\n');
  return '';
}

/** The default reply: JSON or a stream (as the request asks) echoing the last message. */
export function echoReply(request: RecordedRequest): UpstreamReply {
  const content = `echo: ${lastText(request.body)}`;
  return request.body?.stream === true ? { kind: 'stream', content } : { kind: 'json', content };
}

/**
 * An OpenAI-compatible upstream on 127.0.0.1 for tests and benches: records every request
 * and answers as told: completions, streams with or without usage, errors, hangs, dropped
 * streams. `record: false` keeps nothing (benches).
 */
export async function startUpstreamServer(
  options: {
    record?: boolean;
    reply?: (request: RecordedRequest) => UpstreamReply;
    /** What `GET .../models` lists (not recorded as a request); a 404 when absent, as servers without a list answer. */
    models?: readonly string[];
  } = {},
): Promise<UpstreamServer> {
  const record = options.record ?? true;
  const requests: RecordedRequest[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let counter = 0;
  const state: { reply: (request: RecordedRequest) => UpstreamReply } = { reply: options.reply ?? echoReply };

  const server = createServer({ noDelay: true }, (request, response) => {
    if (request.method === 'GET' && (request.url ?? '').endsWith('/models')) {
      const text = options.models
        ? JSON.stringify({ object: 'list', data: options.models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'test' })) })
        : JSON.stringify({ error: { message: 'no such route', type: 'invalid_request_error', param: null, code: null } });
      response.writeHead(options.models ? 200 : 404, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      response.end(text);
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      let finished = false;
      response.on('finish', () => (finished = true));
      const closed = new Promise<{ early: boolean }>((resolve) => response.on('close', () => resolve({ early: !finished })));
      const recorded: RecordedRequest = { method: request.method ?? '', path: request.url ?? '', headers: request.headers, body, closed };
      if (record) requests.push(recorded);
      counter += 1;
      for (const waiter of waiters.filter((w) => counter >= w.count)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
      answer(recorded, state.reply(recorded), request, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    get reply() {
      return state.reply;
    },
    set reply(fn) {
      state.reply = fn;
    },
    waitForRequests(count) {
      if (counter >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

let ids = 0;

function answer(recorded: RecordedRequest, reply: UpstreamReply, request: IncomingMessage, response: ServerResponse): void {
  const model = typeof recorded.body?.model === 'string' ? recorded.body.model : 'unknown';
  const id = `chatcmpl-test${(ids += 1)}`;
  switch (reply.kind) {
    case 'json': {
      if (reply.delayMs !== undefined && reply.delayMs > 0) {
        const { delayMs: _, ...now } = reply;
        const timer = setTimeout(() => {
          if (!response.destroyed) answer(recorded, now, request, response);
        }, reply.delayMs);
        response.on('close', () => clearTimeout(timer));
        return;
      }
      const text = JSON.stringify(completion(id, model, reply.content ?? 'ok'));
      response.writeHead(reply.status ?? 200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
        'x-request-id': `upstream-${id}`,
        ...reply.headers,
      });
      response.end(text);
      return;
    }
    case 'error': {
      const text = reply.raw ?? JSON.stringify(reply.body ?? { error: { message: `upstream says ${reply.status}`, type: 'test_error', param: null, code: null } });
      response.writeHead(reply.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...reply.headers });
      response.end(text);
      return;
    }
    case 'hang':
      return;
    case 'tool-call': {
      const call = { id: 'call_test1', type: 'function' as const, function: { name: reply.name, arguments: reply.arguments } };
      if (recorded.body?.stream === true) {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        for (const event of toolCallEvents(id, model, call)) response.write(event);
        response.end();
        return;
      }
      const body = completion(id, model, '');
      const text = JSON.stringify({ ...body, choices: [{ index: 0, message: { role: 'assistant', content: null, refusal: null, tool_calls: [call] }, finish_reason: 'tool_calls', logprobs: null }] });
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      response.end(text);
      return;
    }
    case 'raw-stream': {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunks = [...reply.chunks];
      const next = () => {
        const chunk = chunks.shift();
        if (chunk === undefined) {
          if (reply.drop) setTimeout(() => request.socket.destroy(), 20);
          else response.end();
          return;
        }
        response.write(chunk);
        setTimeout(next, 2);
      };
      next();
      return;
    }
    case 'stream':
    case 'drop-stream':
    case 'stall-stream': {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-request-id': `upstream-${id}` });
      const content = reply.kind === 'stream' ? (reply.content ?? 'ok') : 'one two three four five six seven eight';
      const events = streamEvents(id, model, content, recorded.body?.stream_options?.include_usage === true);
      if (reply.kind === 'drop-stream') {
        for (const event of events.slice(0, reply.events)) response.write(event);
        const cut = events[reply.events] ?? '';
        response.write(cut.slice(0, Math.floor(cut.length / 2)));
        // Let the bytes leave, then drop the connection without a terminating chunk.
        setTimeout(() => request.socket.destroy(), 20);
        return;
      }
      if (reply.kind === 'stall-stream') {
        for (const event of events.slice(0, reply.events)) response.write(event);
        return;
      }
      const delay = reply.delayMs ?? 0;
      if (delay === 0) {
        for (const event of events) response.write(event);
        response.end();
        return;
      }
      let index = 0;
      const next = () => {
        if (response.destroyed) return;
        if (index >= events.length) {
          response.end();
          return;
        }
        response.write(events[index++] as string);
        setTimeout(next, delay);
      };
      next();
      return;
    }
  }
}

/** A chat.completion body in OpenAI's shape. */
export function completion(id: string, model: string, content: string) {
  return {
    id,
    object: 'chat.completion',
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop', logprobs: null }],
    usage: { prompt_tokens: 10, completion_tokens: content.split(' ').length, total_tokens: 10 + content.split(' ').length },
  };
}

/** The SSE events of a streamed completion: role, one chunk per word, finish, usage if asked, [DONE]. */
export function streamEvents(id: string, model: string, content: string, includeUsage: boolean): string[] {
  const base = { id, object: 'chat.completion.chunk', created: 1_700_000_000, model, system_fingerprint: null };
  const words = content.split(/(?<= )/);
  const chunk = (delta: object, finish: string | null) => ({
    ...base,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...(includeUsage ? { usage: null } : {}),
  });
  const events = [chunk({ role: 'assistant', content: '' }, null), ...words.map((word) => chunk({ content: word }, null)), chunk({}, 'stop')];
  if (includeUsage) {
    events.push({ ...base, choices: [], usage: { prompt_tokens: 10, completion_tokens: words.length, total_tokens: 10 + words.length } } as never);
  }
  return [...events.map((event) => `data: ${JSON.stringify(event)}\n\n`), 'data: [DONE]\n\n'];
}

/** The SSE events of a streamed tool call, as OpenAI sends one: the call's id and name, its arguments in two parts, then `tool_calls`. */
export function toolCallEvents(id: string, model: string, call: { id: string; type: 'function'; function: { name: string; arguments: string } }): string[] {
  const base = { id, object: 'chat.completion.chunk', created: 1_700_000_000, model, system_fingerprint: null };
  const half = Math.floor(call.function.arguments.length / 2);
  const delta = (value: object, finish: string | null) => ({ ...base, choices: [{ index: 0, delta: value, logprobs: null, finish_reason: finish }] });
  const events = [
    delta({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] }, null),
    delta({ tool_calls: [{ index: 0, function: { arguments: call.function.arguments.slice(0, half) } }] }, null),
    delta({ tool_calls: [{ index: 0, function: { arguments: call.function.arguments.slice(half) } }] }, null),
    delta({}, 'tool_calls'),
  ];
  return [...events.map((event) => `data: ${JSON.stringify(event)}\n\n`), 'data: [DONE]\n\n'];
}
