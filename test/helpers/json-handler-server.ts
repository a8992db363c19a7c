import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a JsonHandlerServer received. */
export interface JsonRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: any;
}

/** What to answer: a status (default 200) and a JSON body. */
export interface JsonAnswer {
  readonly status?: number;
  readonly body: unknown;
}

export interface JsonHandlerServer {
  /** `http://127.0.0.1:<port>/v1` */
  readonly baseURL: string;
  readonly requests: JsonRequest[];
  handler: (request: JsonRequest) => JsonAnswer | Promise<JsonAnswer>;
  close(): Promise<void>;
}

/**
 * A real HTTP server on 127.0.0.1 that answers every request with whatever the test's handler
 * returns, as `application/json`, and records the requests: for routers' own services
 * (embeddings, an LLM judge).
 */
export async function startJsonHandlerServer(handler: JsonHandlerServer['handler']): Promise<JsonHandlerServer> {
  const requests: JsonRequest[] = [];
  const state = { handler };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = undefined;
      }
      const recorded: JsonRequest = { method: request.method ?? '', path: request.url ?? '', headers: request.headers, body };
      requests.push(recorded);
      let answer: JsonAnswer;
      try {
        answer = await state.handler(recorded);
      } catch (error) {
        answer = { status: 500, body: { error: { message: String(error), type: 'test_error', param: null, code: null } } };
      }
      const text = JSON.stringify(answer.body);
      response.writeHead(answer.status ?? 200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      response.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    get handler() {
      return state.handler;
    },
    set handler(fn) {
      state.handler = fn;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
