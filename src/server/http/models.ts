import { RequestError } from '../errors/request-error.js';

/**
 * Thresholds listed for each router by GET /v1/models: strong-call shares, whose meaning does not
 * depend on the router's scale (a raw 0.5 sent nothing strong with the default router). Any
 * threshold in [0, 1] or other share is accepted too.
 */
export const LISTED_SHARES: readonly string[] = ['20%', '50%', '80%'];

/** OpenAI's model object, one entry of GET /v1/models and the answer of GET /v1/models/{model}. */
export interface ModelEntry {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

/** OpenAI's model-list shape, for GET /v1/models. */
export interface ModelList {
  object: 'list';
  data: ModelEntry[];
}

/**
 * The `router-<name>-<share>` family: each loaded router at a few strong-call shares. Clients
 * that pick a model from this list (chat UIs) get names that mean the same for every router;
 * any threshold in [0, 1] or other share works too. Only names `answers` takes are listed: a
 * router whose shares no calibration table can cut lists none (it still takes thresholds).
 */
export function modelList(routers: readonly string[], created: number, answers: (id: string) => boolean = () => true): ModelList {
  return {
    object: 'list',
    data: routers.flatMap((router) =>
      LISTED_SHARES.map((share) => `router-${router}-${share}`)
        .filter(answers)
        .map((id) => ({ id, object: 'model' as const, created, owned_by: 'routellm' })),
    ),
  };
}

/** What a threshold may be, as the 404 of `GET /v1/models/{model}` says it: for a pair of models. */
export const PAIR_THRESHOLDS = 'a threshold in [0, 1] or a share like 50%';
/** The same over a `models:` list, where the knob is any number >= 0 and a share is of the bill. */
export const LIST_THRESHOLDS = 'a knob >= 0 or a cost share like 30%';

/** Where `GET /v1/models/{model}` (the SDK's `models.retrieve`) starts; the rest of the path is the id. */
export const MODEL_PATH_PREFIX = '/v1/models/';

/**
 * `GET /v1/models/{model}`: the entry `modelList` lists under that id (percent-decoded, as the
 * SDK encodes it), or one for any other id chat completions would take (`refusalOf` undefined:
 * another threshold, a share): a client that retrieves its model before using it must not be
 * refused one that works. Anything else is an OpenAI-shaped 404 `model_not_found`, as OpenAI
 * answers; for a name of a loaded router (`routers`), with the reason chat completions gives.
 */
export function retrieveModel(
  list: ModelList,
  encodedId: string,
  refusalOf: (id: string) => string | undefined,
  thresholds = PAIR_THRESHOLDS,
  routers: readonly string[] = [],
): ModelEntry {
  let id: string | undefined;
  try {
    id = decodeURIComponent(encodedId);
  } catch {
    id = undefined; // malformed percent-encoding: no listed id looks like that
  }
  const found = id === undefined ? undefined : list.data.find((entry) => entry.id === id);
  if (found) return found;
  const created = list.data[0]?.created ?? 0;
  const refusal = id === undefined ? undefined : refusalOf(id);
  if (id !== undefined && refusal === undefined) return { id, object: 'model', created, owned_by: 'routellm' };
  const shown = id ?? encodedId;
  const quoted = `model "${shown.length > 80 ? `${shown.slice(0, 77)}...` : shown}"`;
  const router = /^router-([^-]+)-/.exec(shown)?.[1];
  throw new RequestError(
    404,
    router !== undefined && routers.includes(router) && refusal !== undefined
      ? `${quoted} is not a model this server answers (${refusal}); GET /v1/models lists the ones it does`
      : `${quoted} is not a model this server routes; GET /v1/models lists some (any router-<router>-<threshold> with ${thresholds} works)`,
    { param: 'model', code: 'model_not_found' },
  );
}
