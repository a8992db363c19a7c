import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequestError } from '../errors/request-error.js';
import type { LightAbort } from '../../upstream/light-abort.js';
import type { RequestContext } from './request-context.js';

/** A request being answered, as shutdown needs it to cut it. */
export interface InFlightRequest {
  readonly abort: LightAbort;
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly context: RequestContext;
  /** Set when shutdown cut it: logged as 503 whatever had already been sent. */
  cut: boolean;
  /** Set when the HTTP parser's refusal (408 for a slow body) answered it on the socket. */
  refusedWith: number | undefined;
}

/**
 * The status a finished request is logged and counted with: the one sent, but 503 when
 * shutdown cut it (a stream that had started included), the parser's refusal (408) when it cut
 * the request, and 499 when the client closed the connection before the answer was whole (a
 * stream cut short included). An answer the server itself broke off (its error recorded)
 * keeps the status that went out.
 */
export function closedStatus(entry: InFlightRequest): number {
  if (entry.cut) return 503;
  if (entry.refusedWith !== undefined) return entry.refusedWith;
  const { response } = entry;
  if (!response.headersSent) return 499;
  if (!response.writableEnded && entry.context.record.error === undefined) return 499;
  return response.statusCode;
}

/**
 * Answers a request the grace period did not see finish, then aborts its upstream call: a 503
 * when nothing was sent yet, one SSE error event after the last complete event when a stream had
 * started (the relays only ever write whole events), else (a JSON body half sent, beyond repair)
 * the connection is cut.
 */
export function cutForShutdown(entry: InFlightRequest, graceMs: number, answerError: (request: IncomingMessage, response: ServerResponse, error: unknown, context: RequestContext) => void): void {
  const { request, response, context, abort } = entry;
  if (abort.aborted || response.writableEnded) return;
  entry.cut = true;
  const refusal = new RequestError(503, `the server is shutting down and did not finish this request within its ${graceMs / 1000} s grace period; retry it`, {
    type: 'server_error',
    code: 'server_shutting_down',
    headers: { connection: 'close' },
  });
  // The handler, woken by the abort below, may still try to write: a write after this end
  // must not become an unhandled 'error' event on the response.
  response.on('error', ignore);
  // `writeHead(status, object)` keeps no header `getHeader` could read: the record says whether the answer is a stream
  // (a stream request the upstream answers with JSON or an error gets that answer written in one go, never half sent).
  if (response.headersSent && context.record.stream === true) {
    context.record.failed(refusal, refusal.message);
    response.end(`data: ${JSON.stringify(refusal.body())}\n\n`);
  } else {
    answerError(request, response, refusal, context);
  }
  abort.abort(refusal);
}

function ignore(): void {}
