import type { RequestRecord } from './request-record.js';

/**
 * What an answer says of the routing, in serve's `x-routellm-*` headers, from the request's record:
 * the decision once routed, the attempts made, and after a fallback the model whose answer (or
 * failure) it is. Also the `headers` of the in-process Controller's errors, so both say the same.
 */
export function routingHeadersOf(record: RequestRecord): Record<string, string> {
  const decision = record.decision;
  if (decision === undefined) return {};
  const headers: Record<string, string> = {
    'x-routellm-model': record.fallbackFrom !== undefined && record.model !== undefined ? record.model : decision.model,
    'x-routellm-router': decision.router,
    'x-routellm-threshold': String(decision.threshold),
    'x-routellm-strong-win-rate': String(decision.strongWinRate),
  };
  if (record.attempts !== undefined) headers['x-routellm-attempts'] = String(record.attempts);
  if (record.fallbackFrom !== undefined) headers['x-routellm-fallback'] = record.fallbackFrom;
  return headers;
}
