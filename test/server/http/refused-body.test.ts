import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../../helpers/run-cli-child.js';

// A real `routellm serve` in its own process: in one process the client's writes and the server's
// refusal take turns, and the race this guards against (the server closing while the client still
// sends) never shows.
let child: ChildProcess;
let port: number;
beforeAll(async () => {
  child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--routers', 'random', '--base-url', 'http://127.0.0.1:9/v1', '--strong-model', 's', '--weak-model', 'w', '--max-body', '1m'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  port = await new Promise<number>((resolve, reject) => {
    child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      log += text;
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(log);
      if (match) resolve(Number(match[1]));
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${log}`)));
  });
});
afterAll(() => {
  child.kill('SIGKILL');
});

/** Posts `bytes` of body in one write; resolves with the status, or the socket error's code. */
function post(bytes: number, headers: Record<string, string>): Promise<number | string> {
  return new Promise((resolve) => {
    const request = http.request({ host: '127.0.0.1', port, path: '/v1/chat/completions', method: 'POST', headers: { 'content-type': 'application/json', ...headers }, agent: false });
    request.on('response', (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    request.end(Buffer.alloc(bytes, 0x20));
  });
}

describe('a body over --max-body while the client still sends it', () => {
  it.each([
    ['Connection: close, chunked', { connection: 'close' }],
    ['Connection: close, declared length', { connection: 'close', 'content-length': String(8 * 1024 * 1024) }],
    ['keep-alive, chunked', {}],
  ])('gets its 413, not a reset (%s)', async (_name, headers) => {
    const outcomes: (number | string)[] = [];
    for (let i = 0; i < 6; i += 1) outcomes.push(await post(8 * 1024 * 1024, headers));
    expect(outcomes).toEqual([413, 413, 413, 413, 413, 413]);
  }, 30_000);
});
