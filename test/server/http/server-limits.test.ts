import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RequestError } from '../../../src/server/errors/request-error.js';
import { applyServerLimits, checkHeaderCount, serverOptions } from '../../../src/server/http/server-limits.js';
import type { ServerLimits } from '../../../src/server/options/http-options.js';

const limits: ServerLimits = { headersTimeoutMs: 300, requestTimeoutMs: 600, keepAliveTimeoutMs: 1000, maxHeaderBytes: 4096, maxHeaderCount: 20 };
let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function start(): Promise<number> {
  server = createServer(serverOptions(limits), (request, response) => {
    try {
      checkHeaderCount(request, limits);
    } catch (error) {
      const refusal = error as RequestError;
      const text = JSON.stringify(refusal.body());
      response.writeHead(refusal.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
      return;
    }
    request.resume();
    request.on('end', () => response.end('ok'));
  });
  applyServerLimits(server, limits);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Sends raw bytes and collects the reply until the server closes the connection. */
function raw(port: number, write: (socket: Socket) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString('utf8')));
    socket.on('close', () => resolve(text));
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? resolve(text) : reject(error)));
    socket.on('connect', () => write(socket));
  });
}

type ErrorBody = { error: { message: string; type: string; param: string | null; code: string | null } };

function jsonBody(reply: string): ErrorBody {
  return JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4)) as ErrorBody;
}

describe('server limits', () => {
  it('answers oversized headers with a JSON 431', async () => {
    const port = await start();
    const reply = await raw(port, (socket) => socket.end(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(8000)}\r\n\r\n`));
    expect(reply).toMatch(/^HTTP\/1\.1 431 /);
    expect(jsonBody(reply).error).toEqual({
      message: expect.stringContaining('headers are too large'),
      type: 'invalid_request_error',
      param: null,
      code: 'request_header_fields_too_large',
    });
  });

  it('answers a flood of small headers with a JSON 431', async () => {
    const port = await start();
    const headers = Array.from({ length: 40 }, (_, i) => `X-H${i}: v`).join('\r\n');
    const reply = await raw(port, (socket) => socket.write(`GET / HTTP/1.1\r\nHost: x\r\n${headers}\r\nConnection: close\r\n\r\n`));
    expect(reply).toMatch(/^HTTP\/1\.1 431 /);
    expect(jsonBody(reply).error.message).toContain('more than 20 headers');
    expect(jsonBody(reply).error.code).toBe('request_header_fields_too_large');
  });

  it('answers a malformed request line with a JSON 400', async () => {
    const port = await start();
    const reply = await raw(port, (socket) => socket.write('NOT HTTP AT ALL\r\n\r\n'));
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
    expect(jsonBody(reply).error).toEqual({ message: expect.stringContaining('not valid HTTP'), type: 'invalid_request_error', param: null, code: 'bad_request' });
  });

  it('cuts a client that never finishes its headers (slowloris) with a 408', async () => {
    const port = await start();
    const reply = await raw(port, (socket) => socket.write('POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n'));
    expect(reply).toMatch(/^HTTP\/1\.1 408 /);
    expect(jsonBody(reply).error).toEqual({ message: expect.stringContaining('not received in time'), type: 'invalid_request_error', param: null, code: 'request_timeout' });
  });

  it('cuts a client that never finishes its body with a 408', async () => {
    const port = await start();
    const reply = await raw(port, (socket) => socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"a":'));
    expect(reply).toMatch(/^HTTP\/1\.1 408 /);
    expect(jsonBody(reply).error.code).toBe('request_timeout');
  });

  it('answers chunk extensions over the limit with a JSON 413', async () => {
    const port = await start();
    const extension = `;x=${'a'.repeat(20_000)}`;
    const reply = await raw(port, (socket) => socket.write(`POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1${extension}\r\n`));
    expect(reply).toMatch(/^HTTP\/1\.1 413 /);
    expect(jsonBody(reply).error.code).toBe('request_too_large');
  });

  it('still serves a normal request', async () => {
    const port = await start();
    const reply = await raw(port, (socket) => socket.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
    expect(reply).toMatch(/^HTTP\/1\.1 200 /);
  });
});
