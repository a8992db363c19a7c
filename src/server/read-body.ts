import type { IncomingMessage } from 'node:http';
import { RequestError } from './request-error.js';

/**
 * Reads a request body of at most `maxBytes`. A declared content-length over the limit is
 * refused before a byte is read; a chunked (or lying) body is counted as it streams and
 * refused the moment it passes the limit, so an oversized body is never held in memory.
 */
export function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = request.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) {
    return Promise.reject(tooLarge(maxBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        chunks.length = 0;
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onClose = () => {
      cleanup();
      reject(new RequestError(400, 'the client closed the connection before the request body ended', { code: 'incomplete_body' }));
    };
    const cleanup = () => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('close', onClose);
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('close', onClose);
  });
}

function tooLarge(maxBytes: number): RequestError {
  return new RequestError(413, `request body is larger than the server's limit of ${maxBytes} bytes; send less, or start the server with a larger --max-body`, {
    code: 'request_too_large',
  });
}
