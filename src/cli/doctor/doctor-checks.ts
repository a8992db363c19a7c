import { access } from 'node:fs/promises';
import { calibrationTablePaths, readCalibrationTable } from '../../calibrate/load-calibration-table.js';
import { loadConfig, type RoutellmConfig } from '../../config/load-config.js';
import { misplacedExpertSectionsWarning, unknownConfigKeysWarning } from '../../config/unknown-config-routers.js';
import { ConfigError, pairOfModelList, type ModelList, type ModelPair } from '../../core/index.js';
import { resolveModelList } from '../../config/resolve-model-list.js';
import { createBuiltinRegistry } from '../../routers/builtin-registry.js';
import { buildDecider } from '../../controller/build-decider.js';
import { nodeRouterContext } from '../../runtime/node-router-context.js';
import { datasetsDir } from '../../runtime/package-paths.js';
import { probeModels } from '../../upstream/probe-models.js';
import { PriceTable } from '../../upstream/price-table.js';
import { checkedBaseURL, resolveUpstream, type UpstreamEndpoint } from '../../upstream/providers.js';
import { modelEntryEndpoint } from '../../upstream/upstreams.js';
import { publicURL } from '../../upstream/upstream-error-details.js';
import type { CliIo } from '../io.js';
import { resolveModelPair } from '../../config/resolve-model-pair.js';
import { upstreamRoutingOfFlags } from '../upstream-flags.js';
import { DEFAULT_ROUTER } from '../../routers/default-router.js';
import { DEFAULT_MODEL_SCORER, modelScorerNames } from '../../routers/multi/model-scorers.js';

/**
 * One line of `routellm doctor`: `fail` is a problem (non-zero exit); `warn` something it could
 * not check, or that serve ignores; `skip` a check left out because what it reads (the config
 * file) did not load, so that one problem is one `fail` line.
 */
export interface DoctorCheck {
  readonly check: string;
  readonly status: 'ok' | 'warn' | 'fail' | 'skip';
  readonly detail: string;
}

/** What `routellm doctor` found: a line per check, and whether the configuration itself is unusable. */
export interface DoctorReport {
  readonly checks: DoctorCheck[];
  /**
   * True when the config file did not load, its models are invalid (a bad `models:` list, or one
   * the router does not score) or --base-url is no URL: serve would refuse to start with exit 2, and doctor exits 2 too.
   */
  readonly badConfig: boolean;
}

/** What `routellm doctor` reads: serve's own flags for the pair or list, routers and upstreams. */
export interface DoctorInputs {
  /** Routers serve would load; default: the default router for a pair, knn over a list. */
  readonly routers?: readonly string[] | undefined;
  readonly strongModel?: string;
  readonly weakModel?: string;
  readonly config?: string;
  readonly baseUrl?: string;
  readonly apiKey?: string;
  /** False with --no-probe: the upstreams are not asked for their model lists. */
  readonly probe?: boolean;
}

/**
 * The checks `serve` makes at start-up, each said as one line instead of stopping at the first:
 * the config file, the pair or the `models:` list, each model's key and endpoint, each upstream's
 * reachability and whether it lists the model, the routers' data files, and the calibration table.
 */
export async function runDoctorChecks(inputs: DoctorInputs, io: CliIo): Promise<DoctorReport> {
  const checks: DoctorCheck[] = [];
  const add = (check: string, status: DoctorCheck['status'], detail: string) => checks.push({ check, status, detail });
  const problem = (error: unknown) => (error instanceof Error ? error.message : String(error));

  let config: RoutellmConfig | undefined;
  try {
    config = await loadConfig(inputs.config, io.env, io.cwd);
    const registry = createBuiltinRegistry();
    // A key that is no router (a typo) is a problem; a router's options where its expert was meant
    // (mf: under hybrid) a warn; options for a router this run does not load are neither (RouteLLM's
    // one file for all routers). With a models: list, knn: and mf: are read by its routers.
    const unknown = unknownConfigKeysWarning(config, registry, config.models?.list ? modelScorerNames() : []);
    const unused = misplacedExpertSectionsWarning(config, registry, inputs.routers ?? [config.models?.list ? DEFAULT_MODEL_SCORER : DEFAULT_ROUTER]);
    if (unknown !== undefined) add('config', 'fail', [unknown, unused].filter(Boolean).join('; '));
    else if (unused !== undefined) add('config', 'warn', unused);
    else add('config', 'ok', inputs.config === undefined ? 'no config file given: defaults' : `${inputs.config} reads`);
  } catch (error) {
    add('config', 'fail', problem(error));
  }
  if (config === undefined) {
    // The models, their keys and upstreams, and the routers' options come from the file: checked
    // without it they would be the defaults, which this run never asked for.
    const skipped = 'not checked: the config file did not load';
    for (const check of ['models', 'keys', ...(inputs.probe !== false ? ['upstreams'] : []), 'routers']) add(check, 'skip', skipped);
  }

  let pair: ModelPair | undefined;
  let list: ModelList | undefined;
  let badConfig = config === undefined;
  if (config !== undefined) {
    try {
      // As serve: a pair given (flags, ROUTELLM_STRONG_MODEL/ROUTELLM_WEAK_MODEL) wins over the file's list, with a warning; one side alone fails.
      list = resolveModelList(inputs, io.env, config.models ?? {}, (model) => new PriceTable(config?.prices).priceOf(model), `${config.path ?? 'config'}: models`, (line) =>
        io.stderr.write(`routellm: warning: ${line}\n`),
      );
      if (list !== undefined) {
        pair = pairOfModelList(list);
        add('models', 'ok', `${list.length} models, cheapest first: ${list.map((entry) => entry.name).join(', ')} (the reference: ${pair.strong})`);
      } else {
        pair = resolveModelPair(inputs, io.env, config.models);
        add('models', pair.strong === pair.weak ? 'fail' : 'ok', pair.strong === pair.weak ? `both seats hold "${pair.strong}": every prompt goes to it` : `strong ${pair.strong}, weak ${pair.weak}`);
      }
    } catch (error) {
      add('models', 'fail', problem(error));
      badConfig = true;
    }
  }

  const endpoints: UpstreamEndpoint[] = [];
  const routing = config === undefined ? undefined : upstreamRoutingOfFlags(inputs, io.env, config);
  const baseURL = routing?.overrides.baseURL;
  let badBaseURL = false;
  if (baseURL !== undefined) {
    try {
      checkedBaseURL(baseURL, routing?.overrides.baseURLSource ?? '--base-url');
    } catch (error) {
      // A malformed flag (or ROUTELLM_BASE_URL) is a usage error, as serve says with exit 2: one line, not one per model.
      add('base-url', 'fail', problem(error));
      add('keys', 'skip', `not checked: every model goes to ${routing?.overrides.baseURLSource ?? '--base-url'}, which is not a usable URL`);
      badConfig = badBaseURL = true;
    }
  }
  if (pair !== undefined && routing !== undefined && !badBaseURL) {
    // Over a list each model goes where its entry says (base_url and its own key, provider), as serve sends it.
    const models: { name: string; resolve: () => UpstreamEndpoint }[] = list
      ? list.map((entry) => ({ name: entry.name, resolve: () => modelEntryEndpoint(entry, routing) }))
      : [...new Set([pair.strong, pair.weak])].map((name) => ({ name, resolve: () => resolveUpstream(name, routing.overrides, io.env, routing.providers) }));
    for (const model of models) {
      try {
        const endpoint = model.resolve();
        endpoints.push(endpoint);
        const sent = endpoint.upstreamModel !== model.name ? ` as "${endpoint.upstreamModel}"` : '';
        add(`key ${model.name}`, 'ok', `${endpoint.provider} at ${publicURL(endpoint.baseURL)}${sent}, ${endpoint.apiKey === undefined ? 'no key (none sent)' : 'key set'}`);
      } catch (error) {
        add(`key ${model.name}`, 'fail', problem(error));
      }
    }
  }
  if (inputs.probe !== false) {
    for (const probe of await probeModels(endpoints, { fetch: io.fetch })) {
      const status = probe.outcome === 'listed' ? 'ok' : probe.outcome === 'no_list' ? 'warn' : 'fail';
      const sample = probe.listedSample?.length ? ` (it lists e.g. ${probe.listedSample.join(', ')})` : '';
      add(`upstream ${probe.model}`, status, `${probe.detail}${sample}`);
    }
  }

  const datasets = datasetsDir();
  try {
    await access(datasets);
    add('data', 'ok', `router weights and tables under ${datasets}`);
  } catch {
    add('data', 'fail', `${datasets} is missing: the shipped routers' weights and calibration table live there; reinstall the package`);
  }
  const dataRoot = io.env['ROUTELLM_DATA'];
  if (dataRoot) {
    try {
      await access(dataRoot);
      add('data ROUTELLM_DATA', 'ok', dataRoot);
    } catch {
      add('data ROUTELLM_DATA', 'fail', `ROUTELLM_DATA=${dataRoot} does not exist; point it at the benchmark data (eval reads it) or unset it`);
    }
  }

  const context = nodeRouterContext({ env: io.env, cwd: io.cwd, fetch: io.fetch });
  const tables = calibrationTablePaths(io.env, datasets);
  if (tables.custom !== undefined) {
    const custom = await readCalibrationTable(tables.custom, context.readFile).catch((error: unknown) => problem(error));
    if (custom === undefined) add('calibration', 'fail', `ROUTELLM_CALIBRATION_TABLE=${tables.custom} does not exist; make it with routellm calibrate --write-table --table ${tables.custom}, or unset it`);
    else if (typeof custom === 'string') add('calibration', 'fail', `${tables.custom}: ${custom}`);
  }
  if (config !== undefined && pair !== undefined) {
    const shareProblems: string[] = [];
    const routers = inputs.routers ?? (list ? [] : [DEFAULT_ROUTER]);
    try {
      const controller = await buildDecider({ registry: createBuiltinRegistry(), routers, pair, config, context, modelList: list, onShareProblem: (line) => shareProblems.push(line) });
      add('routers', 'ok', `${controller.routerNames().join(', ')} loaded${list ? `, scoring every model of the list` : ''}`);
      if (shareProblems.length > 0) for (const line of shareProblems) add('calibration', 'fail', line);
      else if (list) add('calibration', 'ok', `over a list a cost share (router-${controller.routerNames()[0]}-30%) is cut on the traffic served: no table needed`);
      else if (!checks.some((check) => check.check === 'calibration')) add('calibration', 'ok', `shares (router-<r>-50%) resolve for ${controller.routerNames().join(', ')}`);
    } catch (error) {
      add('routers', 'fail', problem(error));
      // A list whose models the router does not score (scored_as) is a bad list, as serve says with exit 2.
      if (list && error instanceof ConfigError) badConfig = true;
    }
  }
  return { checks, badConfig };
}
