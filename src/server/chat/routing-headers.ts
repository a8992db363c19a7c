import { UpstreamError, type RoutingDecision } from '../../core/index.js';
import type { RequestRecord } from './request-record.js';

/**
 * What an answer says of the routing, in serve's `x-routellm-*` headers, from the request's record:
 * the decision once routed, the attempts made, and after a fallback the model whose answer it is.
 * Also the `headers` of the in-process Controller's answers and errors, so both say the same.
 *
 * `failure`, for an error answer: `x-routellm-model` (and over a list `x-routellm-quality`) names the
 * model that answered, so it is left out unless the error is that model's own answer passed
 * through (an upstream 4xx, a 429); on a 502/504 or any refusal of ours no model answered. What was
 * routed stays in the other headers: the router and threshold, `x-routellm-fallback` (the routed
 * model, after a fallback) and `x-routellm-attempts`.
 */
export function routingHeadersOf(record: RequestRecord, failure?: unknown): Record<string, string> {
  const headers = routedHeaders(record);
  if (failure !== undefined && !upstreamAnswered(failure)) {
    delete headers['x-routellm-model'];
    delete headers['x-routellm-quality'];
  }
  return headers;
}

/** True for an error that is an upstream's own answer, passed through to the client (its 4xx). */
function upstreamAnswered(error: unknown): boolean {
  return error instanceof UpstreamError && error.status !== undefined && error.status >= 400 && error.status < 500;
}

function routedHeaders(record: RequestRecord): Record<string, string> {
  const decision = record.decision;
  if (decision === undefined) return {};
  const model = record.fallbackFrom !== undefined && record.model !== undefined ? record.model : decision.model;
  const headers = decisionHeaders(decision, model, { count: record.attempts, tried: record.tried });
  if (record.fallbackFrom !== undefined) headers['x-routellm-fallback'] = record.fallbackFrom;
  return headers;
}

/**
 * A decision's routing headers with `answering` in the model's seat, for a pair or a list alike: the
 * one builder of serve's answers, its error answers and the in-process Controller's, so a header
 * added here (as `x-routellm-budget-probe` was) reaches every one. `attempts`: the count a pair
 * reports, the names a list does.
 */
export function decisionHeaders(decision: RoutingDecision, answering: string, attempts: { readonly count: number | undefined; readonly tried: readonly string[] | undefined }): Record<string, string> {
  const headers = decision.list ? listRoutingHeaders(decision, answering, attempts.tried) : pairRoutingHeaders(decision, answering, attempts.count);
  if (decision.budgetProbe) headers['x-routellm-budget-probe'] = '1';
  return headers;
}

/** The routing headers of a decision over the pair: the answering model, the router, the threshold, the win rate, the attempts made. */
function pairRoutingHeaders(decision: RoutingDecision, answering: string, attempts: number | undefined): Record<string, string> {
  const headers: Record<string, string> = {
    'x-routellm-model': answering,
    'x-routellm-router': decision.router,
    'x-routellm-threshold': String(decision.threshold),
    'x-routellm-strong-win-rate': String(decision.strongWinRate),
  };
  if (attempts !== undefined) headers['x-routellm-attempts'] = String(attempts);
  return headers;
}

/**
 * The routing headers of a decision over a list of models: the answering model and its predicted
 * quality, the router, the knob (also as `x-routellm-threshold`), and the models tried in order
 * (`x-routellm-attempts`, the answering one last). No `x-routellm-strong-win-rate`: a list has no pair.
 */
function listRoutingHeaders(decision: RoutingDecision, answering: string, tried: readonly string[] | undefined): Record<string, string> {
  const list = decision.list;
  const at = list ? list.models.indexOf(answering) : -1;
  // A budget that allows only the all-cheapest bill decides with an infinite knob (above every
  // shortfall): said as a word, not `Infinity`, which header parsers and dashboards do not take as a number.
  const knob = Number.isFinite(decision.threshold) ? String(decision.threshold) : 'cheapest';
  const headers: Record<string, string> = {
    'x-routellm-model': answering,
    'x-routellm-router': decision.router,
    'x-routellm-threshold': knob,
    'x-routellm-knob': knob,
  };
  if (list && at >= 0) headers['x-routellm-quality'] = String(list.qualities[at]);
  if (tried !== undefined && tried.length > 0) headers['x-routellm-attempts'] = tried.join(',');
  return headers;
}
