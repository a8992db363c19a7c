import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Controller, RoutingDecision } from '../core/index.js';
import type { RequestScope } from '../gateway/gateway.js';
import type { AbortSignalLike } from '../upstream/light-abort.js';
import type { Upstreams } from '../upstream/upstreams.js';
import { readBody } from './read-body.js';
import { isEventStream, relayBody, relayHeaders } from './relay.js';
import { RequestError } from './request-error.js';

/** What the chat-completions handler needs; built once per server. */
export interface ChatHandlerDeps {
  readonly controller: Controller;
  readonly upstreams: Upstreams;
  readonly maxBody: number;
}

/** Per-request state the server passes in. */
export interface RequestContext {
  readonly requestId: string;
  /** process.hrtime.bigint() when the request arrived. */
  readonly started: bigint;
  /** Aborted when the client hangs up or the server gives up on the request. */
  readonly signal: AbortSignalLike;
  /** Filled in once routed, so an error answer can still say what was routed. */
  decision?: RoutingDecision;
  /** The gateway's bookkeeping for this request, when a gateway is on (held here: no lookup table per request). */
  scope?: RequestScope | undefined;
  /** Set once the answer's headers say text/event-stream, so a shutdown can end it with an SSE error event. */
  eventStream?: boolean;
}

/**
 * POST /v1/chat/completions: read the body (bounded), route on the last message, forward
 * the whole request with `model` replaced through the SDK, relay the answer byte for byte.
 * The response's `model` is whatever the upstream says answered. Errors before the first
 * byte are thrown (the server answers them); errors after it end the stream in relayBody.
 */
export async function handleChatCompletions(
  deps: ChatHandlerDeps,
  request: IncomingMessage,
  response: ServerResponse,
  context: RequestContext,
): Promise<void> {
  const raw = await readBody(request, deps.maxBody);
  const body = parseJsonObject(raw);
  const { decision, forward } = await deps.controller.routeChat(body);
  context.decision = decision;
  const upstream = await deps.upstreams.chat(decision.model, forward, { signal: context.signal });
  const headers = relayHeaders(upstream, {
    ...routingHeaders(decision),
    'x-request-id': context.requestId,
    'openai-processing-ms': elapsedMs(context.started),
  });
  response.writeHead(upstream.status, headers);
  if (isEventStream(headers['content-type'])) context.eventStream = true;
  await relayBody(upstream, response, `model "${decision.model}"`);
}

/** The headers saying what was routed, in our own namespace. */
export function routingHeaders(decision: RoutingDecision): OutgoingHttpHeaders {
  return {
    'x-routellm-model': decision.model,
    'x-routellm-router': decision.router,
    'x-routellm-threshold': String(decision.threshold),
    'x-routellm-strong-win-rate': String(decision.strongWinRate),
  };
}

/** Milliseconds since `started`, as a whole-number string. */
export function elapsedMs(started: bigint): string {
  return String(Number((process.hrtime.bigint() - started) / 1_000_000n));
}

function parseJsonObject(raw: Buffer): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw new RequestError(400, `request body is not valid JSON: ${(error as Error).message}`, { code: 'invalid_json' });
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new RequestError(400, 'request body must be a JSON object with "model" and "messages"', { code: 'invalid_json' });
  }
  return body as Record<string, unknown>;
}
