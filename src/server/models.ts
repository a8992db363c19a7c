/** Thresholds listed for each router by GET /v1/models: any threshold in [0, 1] is accepted. */
export const LISTED_THRESHOLDS: readonly number[] = [0.25, 0.5, 0.75];

/** OpenAI's model-list shape, for GET /v1/models. */
export interface ModelList {
  object: 'list';
  data: { id: string; object: 'model'; created: number; owned_by: string }[];
}

/**
 * The `router-<name>-<threshold>` family: each loaded router at a few thresholds. Clients
 * that pick a model from this list (chat UIs) get working names; any other threshold
 * in [0, 1] works too.
 */
export function modelList(routers: readonly string[], created: number): ModelList {
  return {
    object: 'list',
    data: routers.flatMap((router) =>
      LISTED_THRESHOLDS.map((threshold) => ({
        id: `router-${router}-${threshold}`,
        object: 'model' as const,
        created,
        owned_by: 'routellm',
      })),
    ),
  };
}
