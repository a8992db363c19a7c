import type { RoutingDecision } from '../../core/index.js';
import type { RequestRecord } from './request-record.js';

/**
 * What an answer says of the routing, in serve's `x-routellm-*` headers, from the request's record:
 * the decision once routed, the attempts made, and after a fallback the model whose answer (or
 * failure) it is. Also the `headers` of the in-process Controller's errors, so both say the same.
 */
export function routingHeadersOf(record: RequestRecord): Record<string, string> {
  const decision = record.decision;
  if (decision === undefined) return {};
  if (decision.list) {
    const model = record.fallbackFrom !== undefined && record.model !== undefined ? record.model : decision.model;
    const headers = listRoutingHeaders(decision, model, record.tried);
    if (record.fallbackFrom !== undefined) headers['x-routellm-fallback'] = record.fallbackFrom;
    return headers;
  }
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

/**
 * The routing headers of a decision over a list of models: the answering model and its predicted
 * quality, the router, the knob (also as `x-routellm-threshold`), and the models tried in order
 * (`x-routellm-attempts`, the answering one last). No `x-routellm-strong-win-rate`: a list has no pair.
 */
export function listRoutingHeaders(decision: RoutingDecision, answering: string, tried: readonly string[] | undefined): Record<string, string> {
  const list = decision.list;
  const at = list ? list.models.indexOf(answering) : -1;
  const headers: Record<string, string> = {
    'x-routellm-model': answering,
    'x-routellm-router': decision.router,
    'x-routellm-threshold': String(decision.threshold),
    'x-routellm-knob': String(decision.threshold),
  };
  if (list && at >= 0) headers['x-routellm-quality'] = String(list.qualities[at]);
  if (tried !== undefined && tried.length > 0) headers['x-routellm-attempts'] = tried.join(',');
  return headers;
}
