import { ConfigError, Decider, ModelListRouting, type Audience, type ListPrior, type ModelList, type ModelScorer, type ModelPair, type Router, type RouterContext, type RouterRegistry, type ShareCalibrator, type ShareResolver, type ThresholdAdvisor } from '../core/index.js';
import { loadShareTables } from '../calibrate/load-calibration-table.js';
import { readListPrior } from '../calibrate/list-prior-table.js';
import type { RoutellmConfig } from '../config/load-config.js';
import { DEFAULT_MODEL_SCORER, modelScorerFactory } from '../routers/multi/model-scorers.js';
import { allInOrder } from '../runtime/all-in-order.js';

export interface BuildDeciderOptions {
  readonly registry: RouterRegistry;
  /** Routers to load, in order: names the registry builds (with `config.routers[name]`), or routers built already. */
  readonly routers: readonly (string | Router)[];
  readonly pair: ModelPair;
  readonly config: RoutellmConfig;
  readonly context: RouterContext;
  /** Resolves `router-mf-50%`; default: the shipped calibration table (datasets/calibration/quantiles.json). */
  readonly resolveShare?: ShareResolver;
  /**
   * Told, once at start-up, of each loaded router whose share thresholds (`router-mf-50%`) the
   * calibration tables cannot resolve; the lines name the tables' paths (for a log, not clients).
   */
  readonly onShareProblem?: (line: string) => void;
  /**
   * Told once per router and numeric threshold that the calibration tables show to mean almost no
   * or almost every strong call, or that is RouteLLM's published threshold for other weights.
   */
  readonly onThresholdAdvice?: (line: string) => void;
  /** Holds shares on live traffic (serve); without it a share is the table's fixed threshold. */
  readonly liveShares?: ShareCalibrator;
  /**
   * Routers of the program's own (Router and RouterFactory objects given to the Controller): no table
   * is expected to know them and `routellm calibrate` cannot load them, so they are left out of
   * `onShareProblem`, and a share asked of one is refused in words that fit a router in code.
   */
  readonly ownRouters?: ReadonlySet<string>;
  /**
   * An ordered list of models (the config's `models:` list): the routers named are then routers over
   * a list (`knn`, `mf`; default knn), and `pair` is not used.
   */
  readonly modelList?: ModelList | undefined;
  /** Prompts a cost share's knob is cut on over a list (serve's --share-window); default 200. */
  readonly shareWindow?: number | undefined;
  /** Who the errors address (default `cli`: serve's and the commands' words); the library's Controller says `library`. */
  readonly audience?: Audience | undefined;
}

/** Builds the routers named and the Decider over them: the one start-up path for every command. */
export async function buildDecider(options: BuildDeciderOptions): Promise<Decider> {
  if (options.modelList) {
    const list = await buildListRouting(options.modelList, options);
    return new Decider({ pair: options.pair, routers: new Map(), list, ...(options.liveShares ? { liveShares: options.liveShares } : {}), ...(options.audience ? { audience: options.audience } : {}) });
  }
  if (options.routers.length === 0) throw new ConfigError("no router to load: name at least one, e.g. routers: ['difficulty'] (the default)");
  const names = options.routers.filter((router): router is string => typeof router === 'string');
  const built = await options.registry.build(names, options.config.routers, options.context);
  const routers = new Map<string, Router>();
  for (const router of options.routers) {
    const name = typeof router === 'string' ? router : checkedRouter(router, options.registry).name;
    if (routers.has(name) && typeof router !== 'string') throw new ConfigError(`two routers are named "${name}"; give each router its own name`);
    routers.set(name, typeof router === 'string' ? (built.get(router) as Router) : router);
  }
  let resolveShare = options.resolveShare;
  let adviseThreshold: ThresholdAdvisor | undefined;
  if (!resolveShare) {
    // Routers built from the config (not objects of the caller's) may run RouteLLM's published weights.
    const loaded = await loadShareTables(routers, options.context, (name) => (names.includes(name) ? (options.config.routers[name] ?? {}) : undefined), options.ownRouters);
    resolveShare = loaded.resolveShare;
    adviseThreshold = loaded.adviseThreshold;
    if (options.onShareProblem) loaded.problems.forEach(options.onShareProblem);
  }
  return new Decider({
    pair: options.pair,
    routers,
    ...(resolveShare ? { resolveShare } : {}),
    ...(adviseThreshold && options.onThresholdAdvice ? { adviseThreshold, onThresholdAdvice: options.onThresholdAdvice } : {}),
    ...(options.liveShares ? { liveShares: options.liveShares } : {}),
    ...(options.audience ? { audience: options.audience } : {}),
  });
}

/** A router object of the caller's own, checked: a name a model name can address, a fingerprint, a strongWinRate method. */
function checkedRouter(router: Router, registry: RouterRegistry): Router {
  const given = router as Partial<Router> | null;
  if (given === null || typeof given !== 'object' || typeof given.strongWinRate !== 'function' || typeof given.fingerprint !== 'string' || typeof given.name !== 'string') {
    throw new ConfigError('a router object needs a name, a fingerprint (a string naming its weights) and a strongWinRate(prompt) method');
  }
  if (!/^[a-z0-9_]+$/i.test(given.name)) {
    // Model names split on hyphens, so a hyphen in a router name could never be addressed.
    throw new ConfigError(`router name "${given.name}" may use only letters, digits and underscores`);
  }
  refuseTakenName(registry, given.name);
  return router;
}

/**
 * Refuses a router of the caller's named like one the registry already has (a built-in, or a factory
 * given before it): it would answer router-<name>-... in the other's place, its shares cut on the
 * other's calibration table, with nothing saying so.
 */
export function refuseTakenName(registry: RouterRegistry, name: string): void {
  if (registry.has(name)) throw new ConfigError(`router "${name}" is the name of a built-in router or of another router given; give yours another name`);
}

/** Loads the routers over a list named (default knn) and checks that each scores every model of the list. */
async function buildListRouting(models: ModelList, options: BuildDeciderOptions): Promise<ModelListRouting> {
  const names = options.routers.map((router) => {
    if (typeof router !== 'string') throw new ConfigError(`router "${router.name}" is a two-model router; over a list of models use a router over a list (knn, mf)`);
    return router;
  });
  const wanted = names.length > 0 ? [...new Set(names)] : [DEFAULT_MODEL_SCORER];
  const scorers = await allInOrder(wanted.map(async (name) => (await modelScorerFactory(name)).create(options.config.routers[name] ?? {}, options.context)));
  return new ModelListRouting({
    models,
    scorers: new Map(scorers.map((scorer: ModelScorer, index) => [wanted[index] as string, scorer])),
    ...(options.shareWindow !== undefined ? { shareWindow: options.shareWindow } : {}),
    ...(options.liveShares ? { liveShares: options.liveShares } : {}),
    priors: await listPriors(scorers, options),
    where: `${options.config.path ?? 'config'}: models`,
    ...(options.audience ? { audience: options.audience } : {}),
  });
}

/**
 * Where each router's cost shares start: its shipped prior (datasets/calibration/list-prior-<r>.json).
 * A router of your own has none (its shares start on live traffic); a table made for other weights
 * or damaged is said once (onShareProblem) and not used.
 */
async function listPriors(scorers: readonly ModelScorer[], options: BuildDeciderOptions): Promise<Map<string, ListPrior>> {
  const priors = new Map<string, ListPrior>();
  for (const scorer of scorers) {
    const prior = await readListPrior(scorer, options.context);
    if (typeof prior === 'string') options.onShareProblem?.(`cost shares of router "${scorer.name}" start on live traffic alone: ${prior}`);
    else if (prior) priors.set(scorer.name, prior);
  }
  return priors;
}
