import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChatPipeline } from '../chat/chat-pipeline.js';
import { newRequestId } from '../chat/request-id.js';
import { DEFAULT_HTTP_OPTIONS, type HttpOptions } from '../options/http-options.js';
import type { ReloadOutcome } from '../reload/routing-reloads.js';
import { LightAbort } from '../../upstream/light-abort.js';
import { admit } from './admission.js';
import { answerError } from './answer-error.js';
import { ApiKeyAuth } from './api-key-auth.js';
import { closedStatus, cutForShutdown, type InFlightRequest } from './in-flight.js';
import { clientRequestIdOf, type RequestContext } from './request-context.js';
import { findHandler, pathOf, routeTable } from './route-table.js';
import { applyServerLimits, serverOptions } from './server-limits.js';

/** Default request-body limit: 10 MiB, room for a few base64 images. */
export const DEFAULT_MAX_BODY = 10 * 1024 * 1024;
/** Default of how long shutdown waits for in-flight requests before cutting them. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;
/** How long shutdown waits for the answers it sent to cut requests to reach their clients. */
const CUT_FLUSH_MS = 1_000;
/** The chat endpoint's path: its requests count per router, model and status, and in the spend. */
const CHAT_PATH = '/v1/chat/completions';

export interface ServerOptions {
  /** The chat pipeline every chat request goes through (and its routers, for the model list and health). */
  readonly pipeline: ChatPipeline;
  /** Client keys and slow-client limits; none and the defaults when absent. */
  readonly http?: HttpOptions;
  /** Prometheus metrics for `GET /metrics`; no such endpoint when absent. */
  readonly metrics?: { text(): Promise<string>; readonly contentType: string } | undefined;
  /** What `GET /v1/routellm/stats` answers; the pipeline's stats when absent (`serve --workers N` gives every worker's). */
  readonly stats?: (() => unknown) | undefined;
  readonly host?: string;
  /** 0 picks a free port; the real one is in `port` and `url`. */
  readonly port?: number;
  readonly maxBody?: number;
  /** How long `close()` lets in-flight requests run before answering them 503 (default 10 s). */
  readonly shutdownGraceMs?: number;
  /** Where unexpected errors are reported (one line each, with the stack); silent when absent. */
  readonly log?: (line: string) => void;
  /** Reloads the routers for `POST /v1/routellm/reload` (behind the API key); no such endpoint when absent. */
  readonly reload?: ((source: string) => Promise<ReloadOutcome>) | undefined;
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
   * Idempotent. The pipeline's upstreams are its owner's to close.
   */
  close(): Promise<void>;
}

/**
 * Starts the OpenAI-compatible HTTP server on node:http: the HTTP adapter over the chat pipeline.
 * Per request: admission (header limits, the API key), the route table, and an OpenAI-shaped answer
 * for whatever fails; the request's record is finished when its response closes.
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { pipeline } = options;
  const host = options.host ?? '127.0.0.1';
  const http = options.http ?? DEFAULT_HTTP_OPTIONS;
  const onInternal = options.log ?? (() => {});
  const auth = new ApiKeyAuth(http.authKeys);
  const inFlight = new Set<InFlightRequest>();
  let shuttingDown = false;
  let onDrained: (() => void) | undefined;
  const routes = routeTable({ pipeline, maxBody: options.maxBody ?? DEFAULT_MAX_BODY, metrics: options.metrics, stats: options.stats, shuttingDown: () => shuttingDown, reload: options.reload });
  const answer = (request: Parameters<typeof answerError>[0], response: Parameters<typeof answerError>[1], error: unknown, context: RequestContext) =>
    answerError(request, response, error, context, onInternal);

  const server = createServer({ noDelay: true, ...serverOptions(http.limits) }, (request, response) => {
    const abort = new LightAbort();
    const path = pathOf(request.url ?? '/');
    const method = request.method ?? '';
    // The client's own x-request-id is echoed, but logged beside the server's id, never instead of it:
    // two requests with one client id stay two requests in the log.
    const clientRequestId = clientRequestIdOf(request);
    const ownRequestId = newRequestId();
    const record = pipeline.begin(ownRequestId, { method, path, chat: path === CHAT_PATH });
    if (clientRequestId !== undefined) record.clientRequestId = clientRequestId;
    const context: RequestContext = { requestId: clientRequestId ?? ownRequestId, started: process.hrtime.bigint(), signal: abort, record };
    const entry: InFlightRequest = { abort, request, response, context, cut: false, refusedWith: undefined };
    inFlight.add(entry);
    response.on('close', () => {
      record.finish(closedStatus(entry));
      if (!response.writableFinished) abort.abort(new Error('the client closed the connection'));
      inFlight.delete(entry);
      if (inFlight.size === 0) onDrained?.();
    });
    if (shuttingDown) response.setHeader('connection', 'close');
    try {
      admit(request, path, record, auth, http.limits); // API key and header limits, before anything is routed
      const done = findHandler(routes, method, path)(request, response, context);
      if (done) done.catch((error: unknown) => answer(request, response, error, context));
    } catch (error) {
      answer(request, response, error, context);
    }
  });

  applyServerLimits(server, http.limits, (refusal, socket) => {
    // The parser's refusal goes straight to the socket: the request it cut (a slow body) is logged with it.
    for (const entry of inFlight) {
      if (entry.request.socket === socket && !entry.response.headersSent) {
        entry.refusedWith = refusal.status;
        entry.context.record.reject(refusal.reason);
        entry.context.record.failed(undefined, refusal.message);
        return;
      }
    }
    // No request yet (its headers never came whole): a line and a count of its own.
    const record = pipeline.begin(newRequestId(), { method: '', path: '', chat: false });
    record.reject(refusal.reason);
    record.failed(undefined, refusal.message);
    record.finish(refusal.status);
  });
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

  /** Resolves once no request is in flight, or after `ms`. */
  const drainedWithin = (ms: number): Promise<void> => {
    if (inFlight.size === 0) return Promise.resolve();
    let timer: NodeJS.Timeout | undefined;
    return new Promise<void>((resolve) => {
      onDrained = resolve;
      timer = setTimeout(resolve, ms);
    }).finally(() => {
      clearTimeout(timer);
      onDrained = undefined;
    });
  };

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      shuttingDown = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight.size > 0) await drainedWithin(graceMs);
      if (inFlight.size > 0) {
        for (const entry of inFlight) cutForShutdown(entry, graceMs, answer);
        // Let the answers just written reach their clients before the sockets are destroyed.
        await drainedWithin(CUT_FLUSH_MS);
      }
      server.closeAllConnections();
      await closed;
    })();
    return closing;
  };

  return { url: `http://${urlHost}:${port}`, host, port, inFlight: () => inFlight.size, close };
}
