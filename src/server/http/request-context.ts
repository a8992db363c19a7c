import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestRecord } from '../chat/request-record.js';
import type { LightAbort } from '../../upstream/light-abort.js';

/** Per-request state the server hands its handlers. */
export interface RequestContext {
  /** The id the answer carries in `x-request-id`: the client's own when it sent a sane one, else the server's. */
  readonly requestId: string;
  /** process.hrtime.bigint() when the request arrived. */
  readonly started: bigint;
  /** Aborted when the client hangs up or the server gives up on the request. */
  readonly signal: LightAbort;
  /** The request's bookkeeping (metrics, spend, the log line), finished when the response closes. */
  readonly record: RequestRecord;
}

/** A route handler, as the server's route table calls it. */
export type Handler = (request: IncomingMessage, response: ServerResponse, context: RequestContext) => Promise<void> | void;

/** A sane client request id, to echo (and log beside the server's own); undefined when absent or odd. */
export function clientRequestIdOf(request: IncomingMessage): string | undefined {
  const given = request.headers['x-request-id'];
  if (typeof given === 'string' && given.length > 0 && given.length <= 128 && /^[\w.:@/+=-]+$/.test(given)) return given;
  return undefined;
}
