import type { ServerResponse } from 'node:http';
import type { ChatPipeline } from '../chat/chat-pipeline.js';
import { RequestError } from '../errors/request-error.js';
import { elapsedMs } from './answer-headers.js';
import { createChatEndpoint } from './chat-endpoint.js';
import { LIST_THRESHOLDS, MODEL_PATH_PREFIX, modelList, PAIR_THRESHOLDS, retrieveModel } from './models.js';
import type { Handler, RequestContext } from './request-context.js';
import type { ReloadOutcome } from '../reload/routing-reloads.js';

/** Path -> method -> handler. A new endpoint is a new row here. HEAD is answered by the GET handler (node:http sends no body for HEAD). */
export type RouteTable = Readonly<Record<string, Readonly<Record<string, Handler>>>>;

/** What the server's endpoints read. */
export interface RouteTableDeps {
  readonly pipeline: ChatPipeline;
  readonly maxBody: number;
  /** The Prometheus text of `GET /metrics`; no such endpoint without it. */
  readonly metrics?: { text(): Promise<string>; readonly contentType: string } | undefined;
  /** True once shutdown began: /health says so. */
  readonly shuttingDown: () => boolean;
  /** Reloads the routers (`POST /v1/routellm/reload`); no such endpoint without it. */
  readonly reload?: ((source: string) => Promise<ReloadOutcome>) | undefined;
  /** What `GET /v1/routellm/stats` answers (`serve --workers N`: every worker's); the pipeline's own stats when absent. */
  readonly stats?: (() => unknown) | undefined;
}

/** The route-table key of `GET /v1/models/{model}`, as the 404 message lists it. */
export const MODEL_ROUTE = `${MODEL_PATH_PREFIX}{model}`;

/**
 * The server's endpoints: chat completions (the chat pipeline), the model list and lookup, health,
 * the spend stats and, when metrics are kept, Prometheus metrics. /health is open even with
 * --auth-key (admission.ts); every other one sits behind the key.
 */
export function routeTable(deps: RouteTableDeps): RouteTable {
  const { pipeline, metrics } = deps;
  const created = Math.floor(Date.now() / 1000);
  const decider = () => pipeline.routing.decider;
  /** Why chat completions would refuse a model name, or undefined for one it routes (any threshold, a resolvable share). */
  const refusalOf = (id: string): string | undefined => {
    try {
      decider().resolveTarget(id);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  };
  // Only names this server answers: a router whose shares the tables cannot cut lists none of them.
  const listed = () => modelList(decider().routerNames(), created, (id) => refusalOf(id) === undefined);
  return {
    '/v1/chat/completions': { POST: createChatEndpoint(deps) },
    '/v1/models': { GET: (_request, response, context) => sendJson(response, 200, listed(), context) },
    [MODEL_ROUTE]: {
      GET: (request, response, context) => {
        const id = pathOf(request.url ?? '/').slice(MODEL_PATH_PREFIX.length);
        sendJson(response, 200, retrieveModel(listed(), id, refusalOf, decider().list ? LIST_THRESHOLDS : PAIR_THRESHOLDS, decider().routerNames()), context);
      },
    },
    '/health': {
      GET: (_request, response, context) => {
        const down = deps.shuttingDown();
        sendJson(response, down ? 503 : 200, { status: down ? 'shutting_down' : 'online', routers: decider().routerNames() }, context);
      },
    },
    ...(metrics
      ? {
          '/metrics': {
            GET: async (_request, response) => {
              const text = await metrics.text();
              response.writeHead(200, { 'content-type': metrics.contentType, 'content-length': Buffer.byteLength(text) });
              response.end(text);
            },
          },
        }
      : {}),
    ...(deps.reload ? { '/v1/routellm/reload': { POST: reloadHandler(deps.reload) } } : {}),
    '/v1/routellm/stats': {
      GET: async (_request, response) => {
        const text = JSON.stringify(await (deps.stats ?? (() => pipeline.stats()))());
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        response.end(text);
      },
    },
  };
}

/**
 * `POST /v1/routellm/reload`: reloads the routers and answers what is in use now, or, when the
 * reload failed (the old routers keep serving), a 500 `reload_failed` in OpenAI's error shape.
 */
function reloadHandler(reload: (source: string) => Promise<ReloadOutcome>): Handler {
  return async (_request, response, context) => {
    const outcome = await reload('POST /v1/routellm/reload');
    if (!outcome.ok) {
      throw new RequestError(500, `reload failed, the previous routers keep serving: ${outcome.error.message}`, { type: 'server_error', code: 'reload_failed' });
    }
    const { generation, routers, changed, needsRestart, tookMs } = outcome.result;
    sendJson(response, 200, { object: 'routellm.reload', status: 'ok', generation, routers, changed, needs_restart: needsRestart, took_ms: tookMs }, context);
  };
}

/** The handler for a request, or the OpenAI-shaped 404 (no such path) or 405 (with Allow) to answer instead. */
export function findHandler(routes: RouteTable, method: string, path: string): Handler {
  const methods = routes[path] ?? (path.startsWith(MODEL_PATH_PREFIX) ? routes[MODEL_ROUTE] : undefined);
  if (!methods) {
    throw new RequestError(404, `no such endpoint: ${method} ${path}; this server has ${Object.keys(routes).join(', ')}`, { code: 'unknown_url' });
  }
  const handler = methods[method] ?? (method === 'HEAD' ? methods['GET'] : undefined);
  if (handler) return handler;
  const allow = Object.keys(methods)
    .flatMap((name) => (name === 'GET' ? ['GET', 'HEAD'] : [name]))
    .join(', ');
  throw new RequestError(405, `${path} does not accept ${method}; use ${allow}`, { code: 'method_not_allowed', headers: { allow } });
}

/** A request target without its query string. */
export function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

function sendJson(response: ServerResponse, status: number, value: unknown, context: RequestContext): void {
  const text = JSON.stringify(value);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-request-id': context.requestId,
    'openai-processing-ms': elapsedMs(context.started),
  });
  response.end(text);
}
