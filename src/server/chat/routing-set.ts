import type { Decider } from '../../core/index.js';
import type { Upstreams } from '../../upstream/upstreams.js';

/**
 * What a request is routed and answered with: the loaded routers (in their Decider) and the upstream
 * clients of the pair they choose from. Held together so that a reload can replace both at once;
 * a request keeps the set it began with to its end (RequestRecord.routing).
 */
export interface RoutingSet {
  readonly decider: Decider;
  readonly upstreams: Upstreams;
}
