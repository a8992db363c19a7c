import { BUDGET_PRIOR_TOKENS, ConfigError, pairOfModelList, ShareCalibrator, type Audience, type ModelList, type ModelPair, type RouterFactory } from '../core/index.js';
import { listPrices } from '../config/config-prices.js';
import { configFromObject, loadConfig, type RoutellmConfig } from '../config/load-config.js';
import { resolveModelList } from '../config/resolve-model-list.js';
import { resolveModelPair, samePairWarning } from '../config/resolve-model-pair.js';
import { unknownConfigRouterWarnings } from '../config/unknown-config-routers.js';
import type { ProgressStream } from '../hub/download-progress.js';
import { DEFAULT_ROUTER } from '../routers/default-router.js';
import { DEFAULT_MODEL_SCORER, modelScorerNames } from '../routers/multi/model-scorers.js';
import { createBuiltinRegistry } from '../routers/builtin-registry.js';
import { nodeRouterContext } from '../runtime/node-router-context.js';
import { ChatPipeline, type RoutedSampler } from '../server/chat/chat-pipeline.js';
import type { ChatObserver } from '../server/observe/chat-observer.js';
import type { ReloadResult } from '../server/reload/routing-reloads.js';
import { resolveChatOptions, timeoutBeyondDeadlineWarning, type ChatOptions } from '../server/options/chat-options.js';
import { resolveShareOptions, sharesBeyondProcess, shareStateStore, type ShareOptions } from '../shares/share-options.js';
import type { ShareChannel } from '../shares/share-channel.js';
import type { ShareStateStore } from '../shares/share-state-store.js';
import { PriceTable } from '../upstream/price-table.js';
import { upstreamRouting } from '../upstream/upstream-routing.js';
import { Upstreams } from '../upstream/upstreams.js';
import { buildDecider, refuseTakenName } from './build-decider.js';
import type { ControllerOptions, Logger } from './controller-options.js';
import { STDERR_WARNINGS } from './default-logger.js';
import { leveledLogger, resolveLogLevel } from './log-level.js';

/** What serve adds to the Controller's options: who watches the pipeline, and where downloads show progress. */
export interface ControllerInternals {
  /** serve's metrics and request log; nobody watches when absent. */
  readonly observer?: ChatObserver;
  /** Where Hugging Face downloads show progress (serve's stderr); silent when absent. */
  readonly progress?: ProgressStream;
  /** `options.config`, read already (serve reads it for its own settings too). */
  readonly config?: RoutellmConfig;
  /** Keeps a share of routed prompts (`serve --sample-prompts`). */
  readonly sampler?: RoutedSampler;
  /** A `serve --workers N` worker's channel to the primary, which holds the share windows of every worker. */
  readonly shareChannel?: ShareChannel;
  /** Monotonic milliseconds for budgets per hour (serve's clock); default performance.now. */
  readonly now?: () => number;
  /**
   * Who its errors address: `cli` for serve and `routellm chat` (a missing key's fix is `--api-key`),
   * `library` (the default) for a program's Controller (`apiKey`; its own routers' fix is in code).
   */
  readonly audience?: Audience;
}

/** A Controller's working parts, as serve and the Controller both answer with them. */
export interface ControllerParts {
  readonly pair: ModelPair;
  /** The ordered list of models routed over (the config's `models:` list, the `models` option); undefined for a pair. */
  readonly modelList: ModelList | undefined;
  readonly config: RoutellmConfig;
  readonly options: ChatOptions;
  readonly shareOptions: ShareOptions;
  /** Holds `router-<r>-30%` at 30% of the traffic routed (and budgets), as serve does. */
  readonly liveShares: ShareCalibrator;
  /** The one chat path. Its routing set holds the Decider and the upstreams. */
  readonly pipeline: ChatPipeline;
  /** Keeps the share windows beyond the process (`shareState`), when asked. */
  readonly shareStore: ShareStateStore | undefined;
  readonly logger: Logger;
  /**
   * Re-reads the config file and rebuilds the routers (their weights), the calibration tables and
   * the upstreams off to the side, then swaps them in at once: requests in flight finish on the old
   * set. Throws (ConfigError and the like) and keeps the old set when anything fails. Reloads run
   * one at a time, in order.
   */
  reload(): Promise<ReloadResult>;
  /** Saves the share windows and closes the upstream connections. */
  close(): Promise<void>;
}


/** A Controller half built: the upstreams are resolved (a missing key has failed already), the routers not loaded yet. */
export interface PreparedController {
  readonly pair: ModelPair;
  readonly modelList: ModelList | undefined;
  readonly upstreams: Upstreams;
  /** Loads the routers and the calibration tables, starts the share store, and builds the pipeline. */
  finish(): Promise<ControllerParts>;
}

/**
 * The one start-up path of the Controller and of `routellm serve`: options (as serve's flags), then
 * the environment, then the config file, then defaults, resolved once here. Split in two so serve can
 * read each upstream's model list while the routers load.
 */
export async function prepareController(options: ControllerOptions, internals: ControllerInternals = {}): Promise<PreparedController> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const fetch = options.fetch ?? globalThis.fetch;
  const logger = leveledLogger(options.logger ?? STDERR_WARNINGS, resolveLogLevel(options.logLevel, env, options.verbose));
  const audience = internals.audience ?? 'library';
  const warn = (line: string) => logger.warn({}, line);
  const given = options.config;
  const config = internals.config ?? (typeof given === 'object' && given !== null ? configFromObject(given, cwd) : await loadConfig(given, env, cwd));
  const resolved = resolveChatOptions(options, config);
  const modelList = resolveModelList(options, env, config.models ?? {}, (model) => new PriceTable(resolved.prices).priceOf(model), `${config.path ?? 'config'}: models`, warn);
  // A list's own prices are what its models cost: spend and the single-model bills use them.
  const chatOptions = modelList ? { ...resolved, prices: { ...resolved.prices, ...listPrices(modelList) } } : resolved;
  const prices = new PriceTable(chatOptions.prices);
  const pair = modelList ? pairOfModelList(modelList) : resolveModelPair(options, env, config.models, audience);
  const shareOptions = resolveShareOptions(options, config, cwd);
  // Over a list, the default is the router over a list that ships (knn), chosen in buildDecider.
  const routers = options.routers ?? (modelList ? [] : [DEFAULT_ROUTER]);
  const registry = createBuiltinRegistry();
  for (const router of routers) {
    if (!isFactory(router)) continue;
    refuseTakenName(registry, router.name);
    registry.register(router);
  }
  const named = routers.map((router) => (typeof router === 'string' ? router : router.name));
  // The routers this run reads config sections for: over a list with none named, the default list router.
  const names = modelList && named.length === 0 ? [DEFAULT_MODEL_SCORER] : named;
  for (const warning of unknownConfigRouterWarnings(config, registry, names, modelList ? modelScorerNames() : [])) warn(warning);
  const samePair = modelList ? undefined : samePairWarning(pair, audience);
  if (samePair) warn(samePair);
  const overlong = timeoutBeyondDeadlineWarning(options, config, chatOptions);
  if (overlong) warn(overlong);
  // The upstreams first: a missing key or an unknown provider prefix fails before the routers load.
  const upstreamsFor = (from: RoutellmConfig) =>
    new Upstreams({
      pair,
      // A reload keeps the list it started with (a changed list is refused below): its entries say where each model goes.
      modelList,
      ...upstreamRouting(options, env, from, audience),
      // With fallback on, the other model is the retry: a transport retry first would double the wait
      // (and sleep through a 429's retry-after) before falling back.
      maxRetries: chatOptions.fallback ? 0 : 1,
      // A program's Controller is who the upstream refused, not a gateway.
      ...(audience === 'library' ? { caller: 'the Controller' } : {}),
      // No timeoutMs: the pipeline's deadline bounds every attempt by --ttfb-timeout, --timeout and
      // --deadline, and, armed first with a budget no longer, always fires first.
    });
  const upstreams = upstreamsFor(config);
  return {
    pair,
    modelList,
    upstreams,
    async finish() {
      let shareStore: ShareStateStore | undefined;
      try {
        // router-<r>-30% holds 30% of the live traffic, not of the calibration table's prompts.
        const liveShares = new ShareCalibrator({
          window: shareOptions.window,
          sharing: sharesBeyondProcess(shareOptions, internals.shareChannel),
          // router-<r>-$20/h: a clock for its request rate, and a strong call's cost until one is measured.
          now: internals.now ?? (() => performance.now()),
          strongCostPrior: prices.costOf(pair.strong, { inputTokens: BUDGET_PRIOR_TOKENS.input, outputTokens: BUDGET_PRIOR_TOKENS.output }),
        });
        const context = nodeRouterContext({ env, cwd, fetch, ...(internals.progress ? { stderr: internals.progress } : {}) });
        const deciderFor = (from: RoutellmConfig) =>
          buildDecider({
            registry,
            routers: routers.map((router) => (isFactory(router) ? router.name : router)),
            ownRouters: new Set(routers.flatMap((router) => (typeof router === 'string' ? [] : [router.name]))),
            pair,
            config: from,
            context,
            // Shares are resolved here, at start-up: say now which routers' shares will be refused.
            onShareProblem: warn,
            // Said once per router and threshold, at its first request.
            onThresholdAdvice: warn,
            // The same live shares across reloads: a router whose fingerprint is unchanged keeps its
            // windows; one with new weights starts fresh from the new calibration table (ShareCalibrator.track).
            liveShares,
            modelList,
            shareWindow: shareOptions.window,
            audience,
          });
        const decider = await deciderFor(config);
        shareStore = shareStateStore(shareOptions, liveShares, {
          fingerprints: new Map(decider.routerNames().map((name) => [name, decider.shareFingerprint(name)])),
          log: { warn, info: (line) => logger.info({}, `routellm: ${line}`) },
          channel: internals.shareChannel,
          overList: modelList !== undefined,
        });
        await shareStore?.start();
        // Windows restored from --share-state are reported from start-up, not from their first request.
        decider.openSavedShares();
        const pipeline = new ChatPipeline({ routing: { decider, upstreams }, options: chatOptions, logger, observer: internals.observer, shares: liveShares, sampler: internals.sampler });
        const store = shareStore;
        let closing: Promise<void> | undefined;
        let loaded = config;
        let reloading: Promise<unknown> = Promise.resolve();
        const reloadOnce = async (): Promise<ReloadResult> => {
          const started = performance.now();
          // An object given as the config is read again as it is (its routers' weights are re-read).
          const next = typeof given === 'object' && given !== null ? configFromObject(given, cwd) : await loadConfig(given, env, cwd);
          const nextList = resolveModelList(options, env, next.models ?? {}, (model) => new PriceTable(resolved.prices).priceOf(model), `${next.path ?? 'config'}: models`);
          if (JSON.stringify(nextList ?? null) !== JSON.stringify(modelList ?? null)) {
            throw new ConfigError('the models: list changed; a reload keeps the list it started with (models, prices, where they are sent): restart to change models');
          }
          const nextPair = nextList ? pairOfModelList(nextList) : resolveModelPair(options, env, next.models, audience);
          if (nextPair.strong !== pair.strong || nextPair.weak !== pair.weak) {
            throw new ConfigError(
              `the model pair changed (strong ${pair.strong} -> ${nextPair.strong}, weak ${pair.weak} -> ${nextPair.weak}); a reload keeps the pair it started with: restart to change models`,
            );
          }
          for (const warning of unknownConfigRouterWarnings(next, registry, names, modelList ? modelScorerNames() : [])) warn(warning);
          const before = pipeline.routing.decider;
          const nextUpstreams = upstreamsFor(next);
          let nextDecider;
          try {
            nextDecider = await deciderFor(next);
          } catch (error) {
            nextUpstreams.close();
            throw error;
          }
          pipeline.swapRouting({ decider: nextDecider, upstreams: nextUpstreams }, (old) => old.upstreams.close());
          const needsRestart = (['server', 'prices'] as const).filter((key) => JSON.stringify(next[key]) !== JSON.stringify(loaded[key]));
          loaded = next;
          const fingerprints = pipeline.routerFingerprints();
          return {
            generation: pipeline.generation,
            routers: fingerprints,
            changed: nextDecider.routerNames().filter((name) => !before.routerNames().includes(name) || before.fingerprint(name) !== fingerprints[name]),
            needsRestart,
            tookMs: Math.round(performance.now() - started),
          };
        };
        return {
          pair,
          modelList,
          config,
          options: chatOptions,
          shareOptions,
          liveShares,
          pipeline,
          shareStore,
          logger,
          reload() {
            const run = reloading.then(reloadOnce, reloadOnce);
            reloading = run.catch(() => {});
            return run;
          },
          close() {
            closing ??= (async () => {
              try {
                await store?.close();
              } finally {
                upstreams.close();
              }
            })();
            return closing;
          },
        };
      } catch (error) {
        upstreams.close();
        await shareStore?.close();
        throw error;
      }
    },
  };
}

function isFactory(router: unknown): router is RouterFactory {
  return typeof router === 'object' && router !== null && typeof (router as RouterFactory).create === 'function';
}
