import type { IncomingMessage, ServerResponse } from 'node:http';
import { httpErrorFor } from '../errors/http-error.js';
import { routingHeadersOf } from '../chat/routing-headers.js';
import { elapsedMs } from './answer-headers.js';
import type { RequestContext } from './request-context.js';

/** How long a refused request's remaining body is drained before its connection is cut. */
const LINGER_MS = 5_000;

/**
 * Answers a request with an error, OpenAI-shaped (httpErrorFor), with what was routed. A client
 * that left gets nothing; an answer already under way can only be cut (the stream relay ends
 * streams with an SSE error event itself). `onInternal` hears of our own failures (a bug, a router
 * error) with the stack.
 */
export function answerError(request: IncomingMessage, response: ServerResponse, error: unknown, context: RequestContext, onInternal: (line: string) => void): void {
  if (context.signal.aborted) return; // The client is gone; nobody to answer.
  const answer = httpErrorFor(error);
  context.record.failed(error, answer.body.error.message);
  if (answer.internal) onInternal(`routellm: ${context.requestId}: ${(error as Error)?.stack ?? String(error)}`);
  if (response.headersSent) {
    if (!response.writableEnded) response.destroy();
    return;
  }
  const text = JSON.stringify(answer.body);
  // A body still arriving is drained, then the connection closed (lingerThenCut): say so.
  if (!request.complete) response.setHeader('connection', 'close');
  response.writeHead(answer.status, {
    ...answer.headers,
    ...routingHeadersOf(context.record, error),
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-request-id': context.requestId,
    'openai-processing-ms': elapsedMs(context.started),
  });
  response.end(text);
  if (!request.complete) lingerThenCut(request);
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
