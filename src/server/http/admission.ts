import type { IncomingMessage } from 'node:http';
import type { RequestRecord } from '../chat/request-record.js';
import { RequestError } from '../errors/request-error.js';
import type { ServerLimits } from '../options/http-options.js';
import type { ApiKeyAuth } from './api-key-auth.js';
import { checkHeaderCount, checkHostHeader } from './server-limits.js';

/**
 * The checks every request passes before it is routed: header count, Host, then the API key
 * (`/health` stays open). Throws an OpenAI-shaped RequestError (431, 400, 401), counted as refused.
 */
export function admit(request: IncomingMessage, path: string, record: RequestRecord, auth: ApiKeyAuth, limits: ServerLimits): void {
  try {
    checkHeaderCount(request, limits);
    checkHostHeader(request);
    auth.check(path, request.headers.authorization);
  } catch (error) {
    record.reject(error instanceof RequestError && error.status === 401 ? 'auth' : 'bad_request');
    throw error;
  }
}
