import { BUDGET_PRIOR_TOKENS, exitCodeFor, ShareCalibrator, UsageError } from '../../core/index.js';
import { unknownConfigRouterWarnings } from '../../config/unknown-config-routers.js';
import { loadConfig } from '../../config/load-config.js';
import { resolveGatewayOptions } from '../../gateway/gateway-options.js';
import { Gateway } from '../../gateway/gateway.js';
import { PriceTable } from '../../gateway/price-table.js';
import type { RequestLog } from '../../gateway/request-log.js';
import { createServeLog, resolveLogFormat, type LogFormat } from '../../gateway/serve-log.js';
import { createBuiltinRegistry } from '../../routers/builtin-registry.js';
import { buildController } from '../../runtime/build-controller.js';
import { nodeRouterContext } from '../../runtime/node-router-context.js';
import { startServer } from '../../server/start-server.js';
import { parseRedisUrl, publicRedisUrl } from '../../shares/redis-share-state.js';
import { resolveShareOptions, sharesThroughRedis, shareStateStore } from '../../shares/share-options.js';
import { probeModels, type ModelProbe } from '../../upstream/probe-models.js';
import { publicURL } from '../../upstream/upstream-error-details.js';
import { Upstreams } from '../../upstream/upstreams.js';
import { upstreamRouting } from '../upstream-flags.js';
import { DEFAULT_HOST, DEFAULT_PORT, type ServeFlags } from '../commands/serve.js';
import type { CliIo } from '../io.js';
import { markReported } from '../reported-error.js';
import { resolveModelPair, samePairWarning } from '../shared-options.js';
import { capYoungGeneration } from './cap-young-generation.js';
import { parseByteSize, parsePort } from './parse-serve-flags.js';

/**
 * `routellm serve`: resolves flags, builds the routers and the upstream clients (a missing
 * key fails here, exit 2), probes each upstream's model list, listens, and runs until
 * io.signal aborts (SIGINT/SIGTERM), then shuts down gracefully and returns, so the process
 * exits 0. Every stderr line goes through one pino logger (JSON, or pretty on a terminal),
 * a start-up failure included.
 */
export async function runServe(flags: ServeFlags, io: CliIo): Promise<void> {
  const format = resolveLogFormat(flags.logFormat, io.env, io.stderr.isTTY === true);
  const log = await createServeLog({ format, stderr: io.stderr });
  try {
    await serve(flags, io, log, format);
  } catch (error) {
    // Said once, through the logger, in the format of every other line; the CLI only sets the exit code.
    if (exitCodeFor(error) === 70) log.logger.error({ err: error }, `internal error: ${(error as Error)?.message ?? String(error)}`);
    else log.logger.error((error as Error).message);
    log.flush();
    throw markReported(error);
  }
}

async function serve(flags: ServeFlags, io: CliIo, log: RequestLog, format: LogFormat): Promise<void> {
  const warn = (line: string) => log.logger.warn(line);
  const maxBody = parseByteSize(flags.maxBody);
  const flagPort = flags.port === undefined ? undefined : parsePort(flags.port);
  const config = await loadConfig(flags.config, io.env, io.cwd);
  // Flag, then the config file's server: section, then the default.
  const port = flagPort ?? config.gateway?.server.port ?? DEFAULT_PORT;
  const host = flags.host ?? config.gateway?.server.host ?? DEFAULT_HOST;
  const pair = resolveModelPair(flags, io.env, config.gateway?.models);
  const gatewayOptions = resolveGatewayOptions(flags, io.env, config);
  log.setLogPrompts(gatewayOptions.logPrompts);
  const shareOptions = resolveShareOptions(flags, config, io.cwd);
  // router-<r>-30% holds 30% of the live traffic, not of the calibration table's prompts.
  const liveShares = new ShareCalibrator({
    window: shareOptions.window,
    sharing: sharesThroughRedis(shareOptions),
    // router-<r>-$20/h: a clock for its request rate, and a strong call's cost until one is measured.
    now: () => performance.now(),
    strongCostPrior: new PriceTable(gatewayOptions.prices).costOf(pair.strong, { inputTokens: BUDGET_PRIOR_TOKENS.input, outputTokens: BUDGET_PRIOR_TOKENS.output }),
  });
  const registry = createBuiltinRegistry();
  for (const warning of unknownConfigRouterWarnings(config, registry, flags.routers)) warn(warning);
  const samePair = samePairWarning(pair);
  if (samePair) warn(samePair);
  // The upstreams first: a missing key or an unknown provider prefix fails before the routers load,
  // and each provider's model list is read while they do.
  const upstreams = new Upstreams({
    pair,
    ...upstreamRouting(flags, io.env, config),
    // With fallback on, the other model is the retry: an SDK retry first would double the wait
    // (and sleep through a 429's retry-after) before falling back.
    maxRetries: gatewayOptions.fallback ? 0 : 1,
    // No timeoutMs: the gateway's deadline bounds every attempt by --ttfb-timeout, --timeout and
    // --deadline, and, armed first with a budget no longer, always fires first; a second timer per
    // request would never fire.
  });
  let shareStore: ReturnType<typeof shareStateStore> | undefined;
  try {
    const endpoints = [...new Set([pair.strong, pair.weak])].map((model) => upstreams.endpoint(model));
    const probed = flags.probe === false ? Promise.resolve([]) : probeModels(endpoints, { fetch: io.fetch });
    const controller = await buildController({
      registry,
      routerNames: flags.routers,
      pair,
      config,
      // Hub downloads: a live bar on a terminal (pretty), else their one line through the logger like every other.
      context: nodeRouterContext({ env: io.env, cwd: io.cwd, fetch: io.fetch, stderr: format === 'pretty' ? io.stderr : { write: (text: string) => log.logger.info(text.trim().replace(/^routellm: /, '')) } }),
      // Shares are resolved here, at start-up: say now which routers' shares will be refused.
      onShareProblem: warn,
      // Said once per router and threshold, at its first request.
      onThresholdAdvice: warn,
      liveShares,
    });
    for (const probe of await probed) reportProbe(log, probe);
    shareStore = shareStateStore(shareOptions, liveShares, {
      fingerprints: new Map(controller.routerNames().map((name) => [name, controller.router(name).fingerprint])),
      log: { warn, info: (line) => log.logger.info(`routellm: ${line}`) },
    });
    if (io.signal?.aborted) {
      upstreams.close();
      return;
    }
    await shareStore?.start();
    const gateway = new Gateway(gatewayOptions, { pair, shares: liveShares, log });
    let server;
    try {
      server = await startServer({ controller, upstreams, host, port, maxBody, gateway, log: (line) => log.logger.error(line) });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') throw new UsageError(`port ${port} on ${host} is already in use; pick another with --port`);
      if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new UsageError(`cannot listen on host "${host}": ${code}; check --host`);
      throw error;
    }
    // Only the real CLI process: an embedded or test server leaves the host's heap alone.
    const uncap = io.stderr === process.stderr && process.env['ROUTELLM_YOUNG_GEN'] !== 'default' ? capYoungGeneration() : undefined;
    const routers = controller.routerNames();
    log.logger.info({ url: server.url, routers, strong: pair.strong, weak: pair.weak }, `routellm listening on ${server.url} (routers: ${routers.join(', ')}; strong: ${pair.strong}; weak: ${pair.weak})`);
    log.logger.info(
      { auth: gateway.auth.enabled, fallback: gatewayOptions.fallback, deadline_s: gatewayOptions.deadlineMs / 1000 },
      `routellm gateway: auth ${gateway.auth.enabled ? `on (${gatewayOptions.authKeys.length} key(s))` : 'off'}, fallback ${gatewayOptions.fallback ? 'on' : 'off'}, ` +
        `deadline ${gatewayOptions.deadlineMs / 1000} s, metrics at ${server.url}/metrics, spend at ${server.url}/v1/routellm/stats`,
    );
    // Said once here: error messages name the model only, since they reach clients.
    const strongURL = publicURL(upstreams.endpoint(pair.strong).baseURL);
    const weakURL = publicURL(upstreams.endpoint(pair.weak).baseURL);
    log.logger.info({ strong_url: strongURL, weak_url: weakURL }, `routellm upstreams: ${pair.strong} at ${strongURL}; ${pair.weak} at ${weakURL}`);
    log.logger.info(
      { share_window: shareOptions.window },
      `routellm shares: router-<r>-<n>% holds n% of each share's last ${shareOptions.window} requests (windows kept ${shareStateWhere(shareOptions.state)})`,
    );
    await new Promise<void>((resolve) => {
      if (!io.signal) return; // Without a signal (embedded use) the server runs until the process ends.
      if (io.signal.aborted) resolve();
      else io.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    log.logger.info({ in_flight: server.inFlight() }, `routellm: shutting down, finishing ${server.inFlight()} in-flight request(s)`);
    await server.close();
    await shareStore?.close();
    uncap?.();
    log.flush();
  } catch (error) {
    upstreams.close();
    await shareStore?.close();
    throw error;
  }
}

/** One line per model whose list says something is wrong: not listed, key refused, unreachable. */
function reportProbe(log: RequestLog, probe: ModelProbe): void {
  const fields = { model: probe.model, probe: probe.outcome };
  if (probe.outcome === 'listed') log.logger.debug(fields, probe.detail);
  else if (probe.outcome === 'no_list') log.logger.info(fields, `model "${probe.model}": ${probe.detail}`);
  else {
    const sample = probe.listedSample?.length ? ` (it lists e.g. ${probe.listedSample.map((id) => `"${id}"`).join(', ')})` : '';
    log.logger.warn(fields, `model "${probe.model}": ${probe.detail}${sample}`);
  }
}

/** Where --share-state keeps the windows, for the start-up line (a Redis URL without its password). */
function shareStateWhere(state: string | undefined): string {
  if (state === undefined) return 'in memory only; --share-state FILE keeps them across restarts';
  return /^rediss?:/i.test(state) ? `in ${publicRedisUrl(parseRedisUrl(state))}` : `in ${state}`;
}
