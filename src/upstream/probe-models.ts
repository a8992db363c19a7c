import { connectionFailure, publicURL } from './upstream-error-details.js';
import type { UpstreamEndpoint } from './providers.js';

/** How long the start-up probe waits for one provider's model list. */
export const PROBE_TIMEOUT_MS = 3000;

/** What the probe learnt of one configured model. */
export interface ModelProbe {
  readonly model: string;
  /**
   * `listed`: the provider lists it; `not_listed`: it answered a list without it; `refused`: 401/403
   * (the key); `unreachable`: no answer, an error status, or not a list; `no_list`: the provider has
   * no model list to read (404, or none known).
   */
  readonly outcome: 'listed' | 'not_listed' | 'refused' | 'unreachable' | 'no_list';
  /** One line saying what happened, for a log line or `routellm doctor`. */
  readonly detail: string;
  /** Up to five names the provider does list, when the model was not among them. */
  readonly listedSample?: readonly string[];
}

/**
 * Reads each provider's `GET {base}/models` (once per URL and key, all at once, each bounded by
 * `timeoutMs`) and says, per model of the pair, whether it is listed. Never throws: a probe that
 * cannot tell says so in its outcome, and start-up goes on.
 */
export async function probeModels(
  endpoints: readonly UpstreamEndpoint[],
  options: { fetch: typeof globalThis.fetch; timeoutMs?: number },
): Promise<ModelProbe[]> {
  const timeoutMs = options.timeoutMs ?? PROBE_TIMEOUT_MS;
  const lists = new Map<string, Promise<ListAnswer>>();
  for (const endpoint of endpoints) {
    if (endpoint.modelsURL === undefined) continue;
    const key = `${endpoint.modelsURL}\n${endpoint.apiKey ?? ''}`;
    if (!lists.has(key)) lists.set(key, readList(endpoint, options.fetch, timeoutMs));
  }
  return Promise.all(
    endpoints.map(async (endpoint): Promise<ModelProbe> => {
      const model = endpoint.model;
      if (endpoint.modelsURL === undefined) return { model, outcome: 'no_list', detail: `${endpoint.provider} has no model list to check "${endpoint.upstreamModel}" against` };
      const answer = await (lists.get(`${endpoint.modelsURL}\n${endpoint.apiKey ?? ''}`) as Promise<ListAnswer>);
      const where = publicURL(endpoint.modelsURL);
      if (answer.kind === 'ids') {
        if (answer.ids.some((id) => sameModel(id, endpoint.upstreamModel))) return { model, outcome: 'listed', detail: `${where} lists "${endpoint.upstreamModel}"` };
        return {
          model,
          outcome: 'not_listed',
          detail: `${where} does not list "${endpoint.upstreamModel}" among its ${answer.ids.length} models; check the model name (requests to it will fail and fall back)`,
          listedSample: answer.ids.slice(0, 5),
        };
      }
      if (answer.kind === 'status') {
        if (answer.status === 401 || answer.status === 403) {
          return { model, outcome: 'refused', detail: `${where} refused the key with ${answer.status}; check the API key for "${model}"` };
        }
        if (answer.status === 404 || answer.status === 405) return { model, outcome: 'no_list', detail: `${where} answered ${answer.status}: no model list to check against` };
        return { model, outcome: 'unreachable', detail: `${where} answered ${answer.status}` };
      }
      return { model, outcome: 'unreachable', detail: `${where}: ${answer.reason}` };
    }),
  );
}

type ListAnswer = { kind: 'ids'; ids: string[] } | { kind: 'status'; status: number } | { kind: 'failed'; reason: string };

async function readList(endpoint: UpstreamEndpoint, fetch: typeof globalThis.fetch, timeoutMs: number): Promise<ListAnswer> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  timer.unref?.();
  try {
    const response = await fetch(endpoint.modelsURL as string, { headers: { accept: 'application/json', ...endpoint.authHeaders }, signal: controller.signal });
    if (!response.ok) {
      await response.body?.cancel().catch(() => {});
      return { kind: 'status', status: response.status };
    }
    const parsed = (await response.json()) as { data?: unknown; models?: unknown } | null;
    const items = Array.isArray(parsed?.data) ? parsed.data : Array.isArray(parsed?.models) ? parsed.models : undefined;
    if (items === undefined) return { kind: 'failed', reason: 'the answer is not a model list ({"data": [...]})' };
    const ids = items
      .map((item) => (typeof item === 'string' ? item : (item as { id?: unknown; name?: unknown } | null)?.id ?? (item as { name?: unknown } | null)?.name))
      .filter((id): id is string => typeof id === 'string');
    return { kind: 'ids', ids };
  } catch (error) {
    if (controller.signal.aborted) return { kind: 'failed', reason: `no model list within ${timeoutMs / 1000} s` };
    return { kind: 'failed', reason: `cannot reach it (${connectionFailure((error as Error)?.cause ?? error)})` };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A listed id naming the configured model: the same name, or the same once Gemini's `models/`
 * prefix or Ollama's `:latest` tag is set aside.
 */
function sameModel(listed: string, wanted: string): boolean {
  if (listed === wanted) return true;
  const plain = (name: string) => name.replace(/^models\//, '').replace(/:latest$/, '');
  return plain(listed) === plain(wanted);
}
