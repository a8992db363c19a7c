import { randomFillSync } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Controller } from '../core/index.js';
import { createGatewayChatHandler } from '../gateway/gateway-chat-handler.js';
import { gatewayRoutes } from '../gateway/gateway-routes.js';
import type { Gateway } from '../gateway/gateway.js';
import { applyServerLimits, serverOptions } from '../gateway/server-limits.js';
import { LightAbort } from '../upstream/light-abort.js';
import type { Upstreams } from '../upstream/upstreams.js';
import { elapsedMs, handleChatCompletions, routingHeaders, type RequestContext } from './chat-completions.js';
import { httpErrorFor } from './http-error.js';
import { MODEL_PATH_PREFIX, modelList, retrieveModel } from './models.js';
import { RequestError } from './request-error.js';

/** Default request-body limit: 10 MiB, room for a few base64 images. */
export const DEFAULT_MAX_BODY = 10 * 1024 * 1024;
/** How long shutdown waits for in-flight requests before cutting them. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;
/** How long a refused request's remaining body is drained before its connection is cut. */
const LINGER_MS = 5_000;
/** How long shutdown waits for the answers it sent to cut requests to reach their clients. */
const CUT_FLUSH_MS = 1_000;

export interface ServerOptions {
  readonly controller: Controller;
  /** Upstream clients of the pair; the server closes them when it closes. */
  readonly upstreams: Upstreams;
  readonly host?: string;
  /** 0 picks a free port; the real one is in `port` and `url`. */
  readonly port?: number;
  readonly maxBody?: number;
  /** How long `close()` lets in-flight requests run before answering them 503 (default 10 s). */
  readonly shutdownGraceMs?: number;
  /** Where unexpected errors are reported (one line each); silent when absent. */
  readonly log?: (line: string) => void;
  /**
   * Production features (src/gateway): API keys, fallback, timeouts, limits, metrics,
   * request log, spend. `routellm serve` always passes one; without it the server is the bare proxy.
   */
  readonly gateway?: Gateway;
}

export interface RunningServer {
  /** `http://host:port`, the OpenAI base URL being `${url}/v1`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Requests being answered right now. */
  inFlight(): number;
  /**
   * Graceful shutdown: stop accepting, let in-flight requests finish for up to the grace
   * period, then cut the rest (a 503 `server_shutting_down` answer, or an SSE error event
   * for a stream already started) and abort their upstream calls; close every connection.
   * Idempotent.
   */
  close(): Promise<void>;
}

type Handler = (request: IncomingMessage, response: ServerResponse, context: RequestContext) => Promise<void> | void;

/** A request being answered, as shutdown needs it to cut it. */
interface InFlightRequest {
  readonly abort: LightAbort;
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly context: RequestContext;
  /** Set when shutdown cut it: logged as 503 whatever had already been sent. */
  cut: boolean;
  /** Set when the HTTP parser's refusal (408 for a slow body) answered it on the socket. */
  refusedWith: number | undefined;
}

/** Starts the OpenAI-compatible router proxy on node:http. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const maxBody = options.maxBody ?? DEFAULT_MAX_BODY;
  const log = options.log ?? (() => {});
  const created = Math.floor(Date.now() / 1000);
  /** True for a model name chat completions would route (any threshold, a resolvable share). */
  const acceptsModel = (id: string): boolean => {
    try {
      options.controller.resolveModel(id);
      return true;
    } catch {
      return false;
    }
  };
  const chatDeps = { controller: options.controller, upstreams: options.upstreams, maxBody };
  const inFlight = new Set<InFlightRequest>();
  let shuttingDown = false;
  let onDrained: (() => void) | undefined;

  const sendJson = (response: ServerResponse, status: number, value: unknown, context: RequestContext) => {
    const text = JSON.stringify(value);
    response.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      'x-request-id': context.requestId,
      'openai-processing-ms': elapsedMs(context.started),
    });
    response.end(text);
  };

  // The route table: path -> method -> handler. New endpoints (metrics, stats) are new rows.
  // HEAD is answered by the GET handler (node:http sends no body for HEAD).
  const gateway = options.gateway;
  const gatewayChat = gateway ? createGatewayChatHandler({ ...chatDeps, gateway }) : undefined;
  const routes: Record<string, Record<string, Handler>> = {
    ...(gateway ? gatewayRoutes(gateway) : {}),
    '/v1/chat/completions': {
      POST: (request, response, context) =>
        gatewayChat ? gatewayChat(request, response, context) : handleChatCompletions(chatDeps, request, response, context),
    },
    '/v1/models': { GET: (_request, response, context) => sendJson(response, 200, modelList(options.controller.routerNames(), created), context) },
    [MODEL_ROUTE]: {
      GET: (request, response, context) => {
        const id = pathOf(request.url ?? '/').slice(MODEL_PATH_PREFIX.length);
        sendJson(response, 200, retrieveModel(modelList(options.controller.routerNames(), created), id, acceptsModel), context);
      },
    },
    '/health': {
      GET: (_request, response, context) =>
        sendJson(response, shuttingDown ? 503 : 200, { status: shuttingDown ? 'shutting_down' : 'online', routers: options.controller.routerNames() }, context),
    },
  };

  const answerError = (request: IncomingMessage, response: ServerResponse, error: unknown, context: RequestContext) => {
    if (context.signal.aborted) return; // The client is gone; nobody to answer.
    const answer = httpErrorFor(error);
    const scope = context.scope ?? gateway?.scopeFor(request);
    scope?.failed(error, answer.body.error.message);
    if (answer.internal) log(`routellm: ${context.requestId}: ${(error as Error)?.stack ?? String(error)}`);
    if (response.headersSent) {
      // The relay answers stream failures itself; anything else mid-body can only cut the connection.
      if (!response.writableEnded) response.destroy();
      return;
    }
    const text = JSON.stringify(answer.body);
    // A body still arriving is drained, then the connection closed (lingerThenCut): say so.
    if (!request.complete) response.setHeader('connection', 'close');
    response.writeHead(answer.status, {
      ...answer.headers,
      ...(context.decision ? routingHeaders(context.decision) : {}),
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      'x-request-id': context.requestId,
      'openai-processing-ms': elapsedMs(context.started),
    });
    response.end(text);
    if (!request.complete) lingerThenCut(request);
  };

  const server = createServer({ noDelay: true, ...(gateway ? serverOptions(gateway.options.limits) : {}) }, (request, response) => {
    const abort = new LightAbort();
    // The client's own x-request-id is echoed, but logged beside the server's id, never instead of it:
    // two requests with one client id stay two requests in the log.
    const clientRequestId = clientRequestIdOf(request);
    const ownRequestId = gateway || clientRequestId === undefined ? `req_${randomHex16()}` : clientRequestId;
    const context: RequestContext = { requestId: clientRequestId ?? ownRequestId, started: process.hrtime.bigint(), signal: abort.signal, scope: undefined };
    const entry: InFlightRequest = { abort, request, response, context, cut: false, refusedWith: undefined };
    inFlight.add(entry);
    const path = pathOf(request.url ?? '/');
    const scope = gateway?.start(ownRequestId, request.method ?? '', path);
    if (scope && clientRequestId !== undefined) scope.clientRequestId = clientRequestId;
    context.scope = scope;
    response.on('close', () => {
      scope?.finish(closedStatus(entry));
      if (!response.writableFinished) abort.abort(new Error('the client closed the connection'));
      inFlight.delete(entry);
      if (inFlight.size === 0) onDrained?.();
    });
    if (shuttingDown) response.setHeader('connection', 'close');
    try {
      gateway?.admit(request, path, scope); // API key and header limits, before anything is routed
    } catch (error) {
      answerError(request, response, error, context);
      return;
    }
    const methods = routes[path] ?? (path.startsWith(MODEL_PATH_PREFIX) ? routes[MODEL_ROUTE] : undefined);
    let handler: Handler | undefined;
    let refusal: RequestError | undefined;
    if (!methods) {
      refusal = new RequestError(404, `no such endpoint: ${request.method} ${path}; this server has ${Object.keys(routes).join(', ')}`, {
        code: 'unknown_url',
      });
    } else {
      const method = request.method ?? '';
      handler = methods[method] ?? (method === 'HEAD' ? methods['GET'] : undefined);
      if (!handler) {
        const allow = Object.keys(methods)
          .flatMap((name) => (name === 'GET' ? ['GET', 'HEAD'] : [name]))
          .join(', ');
        refusal = new RequestError(405, `${path} does not accept ${request.method}; use ${allow}`, {
          code: 'method_not_allowed',
          headers: { allow },
        });
      }
    }
    if (refusal || !handler) {
      answerError(request, response, refusal, context);
      return;
    }
    try {
      const done = handler(request, response, context);
      if (done) done.catch((error: unknown) => answerError(request, response, error, context));
    } catch (error) {
      answerError(request, response, error, context);
    }
  });

  if (gateway) {
    applyServerLimits(server, gateway.options.limits, (answer, socket) => {
      // The parser's refusal goes straight to the socket: the request it cut (a slow body) is logged with it.
      for (const entry of inFlight) {
        if (entry.request.socket === socket && !entry.response.headersSent) {
          entry.refusedWith = answer.status;
          entry.context.scope?.reject(answer.reason);
          entry.context.scope?.failed(undefined, answer.message);
          return;
        }
      }
      // No request yet (its headers never came whole): a line and a count of its own.
      const scope = gateway.start(`req_${randomHex16()}`, '', '');
      scope.reject(answer.reason);
      scope.failed(undefined, answer.message);
      scope.finish(answer.status);
    });
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 6060, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  const graceMs = options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS;

  /**
   * Answers a request the grace period did not see finish, then aborts its upstream call: a
   * 503 when nothing was sent yet, one SSE error event after the last complete event when a
   * stream had started (the relays only ever write whole events), else (a JSON body half
   * sent, beyond repair) the connection is cut.
   */
  const cutForShutdown = (entry: InFlightRequest): void => {
    const { request, response, context, abort } = entry;
    if (abort.aborted || response.writableEnded) return;
    entry.cut = true;
    const refusal = new RequestError(
      503,
      `the server is shutting down and did not finish this request within its ${graceMs / 1000} s grace period; retry it`,
      { type: 'server_error', code: 'server_shutting_down', headers: { connection: 'close' } },
    );
    // The handler, woken by the abort below, may still try to write: a write after this end
    // must not become an unhandled 'error' event on the response.
    response.on('error', ignore);
    if (response.headersSent && startedEventStream(context)) {
      context.scope?.failed(refusal, refusal.message);
      response.end(`data: ${JSON.stringify(refusal.body())}\n\n`);
    } else {
      answerError(request, response, refusal, context);
    }
    abort.abort(refusal);
  };

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      shuttingDown = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight.size > 0) await drainedWithin(graceMs);
      if (inFlight.size > 0) {
        for (const entry of inFlight) cutForShutdown(entry);
        // Let the answers just written reach their clients before the sockets are destroyed.
        await drainedWithin(CUT_FLUSH_MS);
      }
      server.closeAllConnections();
      await closed;
      options.upstreams.close();
    })();
    return closing;
  };

  /** Resolves once no request is in flight, or after `ms`. */
  function drainedWithin(ms: number): Promise<void> {
    if (inFlight.size === 0) return Promise.resolve();
    let timer: NodeJS.Timeout | undefined;
    return new Promise<void>((resolve) => {
      onDrained = resolve;
      timer = setTimeout(resolve, ms);
    }).finally(() => {
      clearTimeout(timer);
      onDrained = undefined;
    });
  }

  return { url: `http://${urlHost}:${port}`, host, port, inFlight: () => inFlight.size, close };
}

/**
 * The status a finished request is logged and counted with: the one sent, but 503 when
 * shutdown cut it (a stream that had started included), the parser's refusal (408) when it cut
 * the request, and 499 when the client closed the connection before the answer was whole (a
 * stream cut short included). An answer the server itself broke off (its error recorded on the
 * scope) keeps the status that went out.
 */
function closedStatus(entry: InFlightRequest): number {
  if (entry.cut) return 503;
  if (entry.refusedWith !== undefined) return entry.refusedWith;
  const { response } = entry;
  if (!response.headersSent) return 499;
  if (!response.writableEnded && entry.context.scope?.error === undefined) return 499;
  return response.statusCode;
}

/**
 * Whether the answer under way is an SSE stream. `writeHead(status, object)` keeps no header
 * `getHeader` could read, so the handlers say so: the bare proxy in `context.eventStream`, the
 * gateway in its scope's `stream` (a stream request the upstream answers with JSON or an
 * error gets that answer written in one go, so it is never found half sent).
 */
function startedEventStream(context: RequestContext): boolean {
  return context.eventStream === true || context.scope?.stream === true;
}

function ignore(): void {}

/** The route-table key of `GET /v1/models/{model}`, as the 404 message lists it. */
const MODEL_ROUTE = `${MODEL_PATH_PREFIX}{model}`;

/** A request target without its query string. */
function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

/** A sane client request id, to echo (and log beside the server's own); undefined when absent or odd. */
function clientRequestIdOf(request: IncomingMessage): string | undefined {
  const given = request.headers['x-request-id'];
  if (typeof given === 'string' && given.length > 0 && given.length <= 128 && /^[\w.:@/+=-]+$/.test(given)) return given;
  return undefined;
}

/** Random bytes drawn 4 KiB at a time: one crypto call per 256 request ids instead of one (plus a copy without dashes) each. */
const idPool = Buffer.alloc(16 * 256);
let idOffset = idPool.length;

/** 16 random bytes as 32 hex digits (128 bits, as many as the UUID ids this replaced carried, less the version bits). */
function randomHex16(): string {
  if (idOffset >= idPool.length) {
    randomFillSync(idPool);
    idOffset = 0;
  }
  const hex = idPool.toString('hex', idOffset, idOffset + 16);
  idOffset += 16;
  return hex;
}

/**
 * After refusing a request whose body is still arriving (413): the answer went out with
 * `connection: close`, and the rest of the body is read and dropped before the socket closes.
 * Node would close it as soon as the answer is written; a client still sending then gets a reset
 * (EPIPE), not the 413, and an SDK retries the upload. So the socket only half-closes (FIN after
 * the answer), stays readable until the client has sent everything, and is cut after LINGER_MS.
 */
function lingerThenCut(request: IncomingMessage): void {
  const socket = request.socket;
  // Node calls destroySoon() once a `connection: close` answer is written: end our side only.
  (socket as { destroySoon?: () => void }).destroySoon = () => socket.end();
  const cut = () => socket.destroy();
  const timer = setTimeout(cut, LINGER_MS);
  timer.unref();
  request.on('end', () => {
    clearTimeout(timer);
    // The client's FIN may follow its last byte; once the body is in, nothing more is owed it.
    if (socket.writableEnded) setImmediate(cut);
  });
  request.on('close', () => clearTimeout(timer));
  request.resume();
}
