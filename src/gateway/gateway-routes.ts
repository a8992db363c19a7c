import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Gateway } from './gateway.js';

/** A route handler, as the server's route table calls it. */
export type GatewayRouteHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

/**
 * The gateway's own endpoints, as rows for the server's route table:
 * `GET /metrics` (Prometheus text format) and `GET /v1/routellm/stats` (spend JSON).
 * Both sit behind the API key when one is set; only /health is open.
 */
export function gatewayRoutes(gateway: Gateway): Record<string, Record<string, GatewayRouteHandler>> {
  return {
    '/metrics': {
      GET: async (_request, response) => {
        const text = await gateway.metrics.text();
        response.writeHead(200, { 'content-type': gateway.metrics.contentType, 'content-length': Buffer.byteLength(text) });
        response.end(text);
      },
    },
    '/v1/routellm/stats': {
      GET: async (_request, response) => {
        const text = JSON.stringify(gateway.stats());
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        response.end(text);
      },
    },
  };
}
