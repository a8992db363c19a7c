import type { IncomingMessage, Server, ServerOptions, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { RequestError } from '../errors/request-error.js';
import { DEFAULT_SERVER_LIMITS, type ServerLimits } from '../options/http-options.js';
import { rejectedReason } from '../chat/request-record.js';

/**
 * Options for `http.createServer` that must be set at creation. The connection check runs
 * every second rather than Node's default 30 s, so the header and request timeouts hold
 * to within a second.
 */
export function serverOptions(limits: ServerLimits = DEFAULT_SERVER_LIMITS): ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
    maxHeaderSize: limits.maxHeaderBytes,
    // Node's own refusal of a missing Host is an empty 400: checkHostHeader answers it OpenAI-shaped instead.
    requireHostHeader: false,
  };
}

/**
 * Applies the limits that can be set after creation and answers protocol errors (header
 * overflow, bad request lines, request timeouts) with an OpenAI-shaped JSON body instead of
 * Node's empty reply. One more header than the limit is parsed so `checkHeaderCount` can
 * tell a flood from a request at the limit.
 */
export function applyServerLimits(
  server: Server,
  limits: ServerLimits = DEFAULT_SERVER_LIMITS,
  onAnswered?: (answer: ClientErrorAnswer, socket: Duplex) => void,
): void {
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxHeadersCount = limits.maxHeaderCount + 1;
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    const answer = answerClientError(error, socket);
    if (answer) onAnswered?.(answer, socket);
  });
  // An `Expect:` other than 100-continue: Node's own answer is an empty 417.
  server.on('checkExpectation', (request: IncomingMessage, response: ServerResponse) => {
    const body = JSON.stringify({
      error: { message: `the server cannot meet "Expect: ${String(request.headers.expect)}"; send no Expect header, or Expect: 100-continue`, type: 'invalid_request_error', param: null, code: 'expectation_failed' },
    });
    response.writeHead(417, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), connection: 'close' });
    response.end(body);
  });
}

/** Throws 400 for an HTTP/1.1 request without a Host header (RFC 9112 requires one), as Node would, but OpenAI-shaped. */
export function checkHostHeader(request: IncomingMessage): void {
  if (request.headers.host === undefined && request.httpVersionMajor === 1 && request.httpVersionMinor >= 1) {
    throw new RequestError(400, 'the request has no Host header, which HTTP/1.1 requires; send one', { code: 'missing_host' });
  }
}

/** What `answerClientError` sent, for the request log and the rejected-requests counter. */
export interface ClientErrorAnswer {
  readonly status: number;
  readonly message: string;
  /** The `reason` label of `routellm_rejected_requests_total`: slow_client, too_large or bad_request. */
  readonly reason: string;
}

/** Throws 431 when the request carries more headers than allowed. */
export function checkHeaderCount(request: IncomingMessage, limits: ServerLimits = DEFAULT_SERVER_LIMITS): void {
  if (request.rawHeaders.length / 2 > limits.maxHeaderCount) {
    throw new RequestError(431, `the request has more than ${limits.maxHeaderCount} headers; send fewer`, {
      code: 'request_header_fields_too_large',
    });
  }
}

/** `clientError` listener: a JSON error for what the HTTP parser refused, then close. Returns what it answered, if it could. */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): ClientErrorAnswer | undefined {
  // Node's own default: answer unless a response has already started on this socket.
  const pending = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (!socket.writable || pending?.headersSent) {
    socket.destroy();
    return undefined;
  }
  const [status, reason, message, code] = describeClientError(error);
  const body = JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code } });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  return { status, message, reason: rejectedReason(status, 'bad_request') };
}

/** Status, reason phrase, message and error code, the codes matching the server's own refusals (431, 413). */
function describeClientError(error: NodeJS.ErrnoException): [number, string, string, string] {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return [431, 'Request Header Fields Too Large', 'the request headers are too large; send fewer or shorter headers', 'request_header_fields_too_large'];
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return [408, 'Request Timeout', 'the request was not received in time; send the headers and body without pausing', 'request_timeout'];
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return [413, 'Payload Too Large', 'the chunk extensions are too large; send shorter ones or none', 'request_too_large'];
    default:
      return [400, 'Bad Request', `the request is not valid HTTP (${error.code ?? 'parse error'}); send a well-formed HTTP/1.1 request`, 'bad_request'];
  }
}
