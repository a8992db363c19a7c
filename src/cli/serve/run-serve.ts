import { BUDGET_PRIOR_TOKENS, ShareCalibrator, UsageError } from '../../core/index.js';
import { unknownConfigRouterWarnings } from '../../config/unknown-config-routers.js';
import { loadConfig } from '../../config/load-config.js';
import { resolveGatewayOptions } from '../../gateway/gateway-options.js';
import { Gateway } from '../../gateway/gateway.js';
import { PriceTable } from '../../gateway/price-table.js';
import { createBuiltinRegistry } from '../../routers/builtin-registry.js';
import { buildController } from '../../runtime/build-controller.js';
import { nodeRouterContext } from '../../runtime/node-router-context.js';
import { startServer } from '../../server/start-server.js';
import { parseRedisUrl, publicRedisUrl } from '../../shares/redis-share-state.js';
import { resolveShareOptions, sharesThroughRedis, shareStateStore } from '../../shares/share-options.js';
import { publicURL } from '../../upstream/upstream-error-details.js';
import { Upstreams } from '../../upstream/upstreams.js';
import { upstreamRouting } from '../upstream-flags.js';
import { DEFAULT_HOST, DEFAULT_PORT, type ServeFlags } from '../commands/serve.js';
import type { CliIo } from '../io.js';
import { resolveModelPair, samePairWarning } from '../shared-options.js';
import { capYoungGeneration } from './cap-young-generation.js';
import { parseByteSize, parsePort } from './parse-serve-flags.js';

/**
 * `routellm serve`: resolves flags, builds the routers and the upstream clients (a missing
 * key fails here, exit 2), listens, and runs until io.signal aborts (SIGINT/SIGTERM), then
 * shuts down gracefully and returns, so the process exits 0.
 */
export async function runServe(flags: ServeFlags, io: CliIo): Promise<void> {
  const maxBody = parseByteSize(flags.maxBody);
  const flagPort = flags.port === undefined ? undefined : parsePort(flags.port);
  const config = await loadConfig(flags.config, io.env, io.cwd);
  // Flag, then the config file's server: section, then the default.
  const port = flagPort ?? config.gateway?.server.port ?? DEFAULT_PORT;
  const host = flags.host ?? config.gateway?.server.host ?? DEFAULT_HOST;
  const pair = resolveModelPair(flags, io.env, config.gateway?.models);
  const gatewayOptions = resolveGatewayOptions(flags, io.env, config);
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
  // The gateway's logger, once it exists: requests (and so thresholds) only come after it does.
  let adviseThreshold = (line: string): void => void io.stderr.write(`routellm: warning: ${line}\n`);
  for (const warning of unknownConfigRouterWarnings(config, registry, flags.routers)) io.stderr.write(`routellm: warning: ${warning}\n`);
  const samePair = samePairWarning(pair);
  if (samePair) io.stderr.write(`routellm: warning: ${samePair}\n`);
  const controller = await buildController({
    registry,
    routerNames: flags.routers,
    pair,
    config,
    context: nodeRouterContext({ env: io.env, cwd: io.cwd, fetch: io.fetch, stderr: io.stderr }),
    // Shares are resolved here, at start-up: say now which routers' shares will be refused.
    onShareProblem: (line) => io.stderr.write(`routellm: warning: ${line}\n`),
    // Said once per router and threshold, at its first request, through the server's logger.
    onThresholdAdvice: (line) => adviseThreshold(line),
    liveShares,
  });
  const shareStore = shareStateStore(shareOptions, liveShares, {
    fingerprints: new Map(controller.routerNames().map((name) => [name, controller.router(name).fingerprint])),
    log: { warn: (line) => io.stderr.write(`routellm: warning: ${line}\n`), info: (line) => io.stderr.write(`routellm: ${line}\n`) },
  });
  const upstreams = new Upstreams({
    pair,
    ...upstreamRouting(flags, io.env, config),
    // With fallback on, the other model is the retry: an SDK retry first would double the wait
    // (and sleep through a 429's retry-after) before falling back.
    maxRetries: gatewayOptions.fallback ? 0 : 1,
    // No timeoutMs: the gateway's deadline bounds every attempt by --ttfb-timeout and --timeout,
    // and, armed first with a budget no longer, always fires first; a second timer per request
    // would never fire.
  });
  if (io.signal?.aborted) return;
  await shareStore?.start();
  // The real stderr gets pino's asynchronous, bounded writer; an injected stream (tests) is written directly.
  adviseThreshold = (line) => {
    gateway.log.logger.warn(line);
  };
  const gateway = new Gateway(gatewayOptions, { pair, shares: liveShares, ...(io.stderr === process.stderr ? {} : { logDestination: io.stderr }) });
  let server;
  try {
    server = await startServer({ controller, upstreams, host, port, maxBody, gateway, log: (line) => io.stderr.write(`${line}\n`) });
  } catch (error) {
    upstreams.close();
    await shareStore?.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UsageError(`port ${port} on ${host} is already in use; pick another with --port`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new UsageError(`cannot listen on host "${host}": ${code}; check --host`);
    throw error;
  }
  // Only the real CLI process: an embedded or test server leaves the host's heap alone.
  const uncap = io.stderr === process.stderr && process.env['ROUTELLM_YOUNG_GEN'] !== 'default' ? capYoungGeneration() : undefined;
  io.stderr.write(
    `routellm listening on ${server.url} (routers: ${controller.routerNames().join(', ')}; strong: ${pair.strong}; weak: ${pair.weak})\n` +
      `routellm gateway: auth ${gateway.auth.enabled ? `on (${gatewayOptions.authKeys.length} key(s))` : 'off'}, ` +
      `fallback ${gatewayOptions.fallback ? 'on' : 'off'}, metrics at ${server.url}/metrics, spend at ${server.url}/v1/routellm/stats\n` +
      // Said once here: error messages name the model only, since they reach clients.
      `routellm upstreams: ${pair.strong} at ${publicURL(upstreams.endpoint(pair.strong).baseURL)}; ${pair.weak} at ${publicURL(upstreams.endpoint(pair.weak).baseURL)}\n` +
      `routellm shares: router-<r>-<n>% holds n% of each share's last ${shareOptions.window} requests (windows kept ${shareStateWhere(shareOptions.state)})\n`,
  );
  await new Promise<void>((resolve) => {
    if (!io.signal) return; // Without a signal (embedded use) the server runs until the process ends.
    if (io.signal.aborted) resolve();
    else io.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  io.stderr.write(`routellm: shutting down, finishing ${server.inFlight()} in-flight request(s)\n`);
  await server.close();
  await shareStore?.close();
  uncap?.();
  gateway.log.flush();
}
/** Where --share-state keeps the windows, for the start-up line (a Redis URL without its password). */
function shareStateWhere(state: string | undefined): string {
  if (state === undefined) return 'in memory only; --share-state FILE keeps them across restarts';
  return /^rediss?:/i.test(state) ? `in ${publicRedisUrl(parseRedisUrl(state))}` : `in ${state}`;
}
