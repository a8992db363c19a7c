import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { RequestError } from '../errors/request-error.js';

/** Content-Encoding values a request body may arrive in; the limit applies to the decoded bytes too. */
const DECODERS: Readonly<Record<string, () => NodeJS.ReadWriteStream>> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

/**
 * Reads a request body of at most `maxBytes`. A declared content-length over the limit is
 * refused before a byte is read; a chunked (or lying) body is counted as it streams and
 * refused the moment it passes the limit, so an oversized body is never held in memory.
 * A gzip, deflate or br body (Content-Encoding) is decoded, the limit counting decoded bytes
 * (a small bomb cannot expand past it); any other encoding is a 415.
 */
export function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = request.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) {
    return Promise.reject(tooLarge(maxBytes));
  }
  const encoding = request.headers['content-encoding']?.trim().toLowerCase();
  if (encoding === undefined || encoding === '' || encoding === 'identity') return collect(request, request, maxBytes);
  const decoder = DECODERS[encoding];
  if (decoder === undefined) {
    return Promise.reject(
      new RequestError(415, `content-encoding "${encoding}" is not supported; send the body plain, or as gzip, deflate or br`, { code: 'unsupported_content_encoding' }),
    );
  }
  const decoded = decoder();
  request.pipe(decoded);
  return collect(request, decoded as unknown as Readable, maxBytes).finally(() => {
    request.unpipe(decoded);
    decoded.removeAllListeners('data');
  });
}

/** Collects `source` (the request, or its decoder) up to `maxBytes`; a close of the request before its end is an incomplete body. */
function collect(request: IncomingMessage, source: Readable, maxBytes: number): Promise<Buffer> {
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
      if (source !== request && request.complete) return; // the decoder may still be flushing
      cleanup();
      reject(new RequestError(400, 'the client closed the connection before the request body ended', { code: 'incomplete_body' }));
    };
    const onDecodeError = (error: Error) => {
      cleanup();
      reject(new RequestError(400, `the request body is not valid ${String(request.headers['content-encoding'])} data (${error.message}); send it plain or encoded whole`, { code: 'invalid_encoding' }));
    };
    const cleanup = () => {
      source.off('data', onData);
      source.off('end', onEnd);
      request.off('close', onClose);
      if (source !== request) source.off('error', onDecodeError);
    };
    source.on('data', onData);
    source.on('end', onEnd);
    request.on('close', onClose);
    if (source !== request) source.on('error', onDecodeError);
  });
}

function tooLarge(maxBytes: number): RequestError {
  return new RequestError(413, `request body is larger than the server's limit of ${maxBytes} bytes; send less, or start the server with a larger --max-body`, {
    code: 'request_too_large',
  });
}
