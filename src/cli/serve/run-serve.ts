import { exitCodeFor, UsageError } from '../../core/index.js';
import { loadConfig } from '../../config/load-config.js';
import { prepareController, type ControllerParts } from '../../controller/assemble-controller.js';
import { GatewayMetrics } from '../../server/observe/gateway-metrics.js';
import type { RequestLog } from '../../server/observe/request-log.js';
import { createServeLog, resolveLogFormat, type LogFormat } from '../../server/observe/serve-log.js';
import { ServeObserver } from '../../server/observe/serve-observer.js';
import { registerShareMetrics } from '../../server/observe/share-metrics.js';
import { resolveHttpOptions } from '../../server/options/http-options.js';
import { resolveSampleOptions, type SampleOptions } from '../../server/options/sample-options.js';
import { registerSampleMetrics } from '../../server/observe/sample-metrics.js';
import { PromptSampler } from '../../server/sample/prompt-sampler.js';
import { registerReloadMetrics } from '../../server/observe/reload-metrics.js';
import { RoutingReloads } from '../../server/reload/routing-reloads.js';
import { ForwardedSamples } from '../../server/sample/forwarded-samples.js';
import type { SampleFile } from '../../server/sample/sample-file.js';
import { openSampleFile } from './open-sample-file.js';
import { startServer } from '../../server/http/start-server.js';
import { parseRedisUrl, publicRedisUrl } from '../../shares/redis-share-state.js';
import { probeModels, type ModelProbe } from '../../upstream/probe-models.js';
import { publicURL } from '../../upstream/upstream-error-details.js';
import type { CliIo } from '../io.js';
import cluster from 'node:cluster';
import { markReported, wasReported } from '../reported-error.js';
import { WORKER_SETUP_ENV, type WorkerSetup } from './cluster-messages.js';
import { WorkerLink } from './worker-link.js';
import { foldRouteLLMUpstreamNames } from '../upstream-flags.js';
import { capYoungGeneration } from './cap-young-generation.js';
import { HeldStartUpLines } from './held-start-up-lines.js';
import { parseByteSize, parsePort, parseWorkers } from './parse-serve-flags.js';
import { DEFAULT_HOST, DEFAULT_PORT } from './serve-command.js';
import type { ServeFlags } from './serve-flags.js';

/**
 * `routellm serve`: the HTTP adapter over the Controller's chat pipeline. Resolves flags into the
 * Controller's options (a missing key fails here, exit 2), probes each upstream's model list while
 * the routers load, listens, and runs until io.signal aborts (SIGINT/SIGTERM), then shuts down
 * gracefully and returns, so the process exits 0. Every stderr line goes through one pino logger
 * (JSON, or pretty on a terminal), a start-up failure included.
 */
export async function runServe(flags: ServeFlags, io: CliIo): Promise<void> {
  // A `--workers N` worker runs with the flags its primary parsed.
  const setup = cluster.isWorker && io.env[WORKER_SETUP_ENV] ? (JSON.parse(io.env[WORKER_SETUP_ENV] as string) as WorkerSetup) : undefined;
  if (setup) flags = setup.flags;
  const format = resolveLogFormat(flags.logFormat, io.env, io.stderr.isTTY === true);
  const log = await createServeLog({ format, stderr: io.stderr, ...(setup ? { worker: setup.slot } : {}) });
  try {
    flags = foldRouteLLMUpstreamNames(flags);
    const workers = setup || flags.workers === undefined ? 1 : parseWorkers(flags.workers);
    if (workers > 1) {
      parseByteSize(flags.maxBody);
      if (flags.port !== undefined) parsePort(flags.port);
      const { serveWorkers } = await import('./serve-workers.js');
      await serveWorkers({ ...flags, logFormat: format }, workers, io, log);
    } else await serve(flags, io, log, format, setup);
  } catch (error) {
    if (wasReported(error)) throw error;
    // Said once, through the logger, in the format of every other line; the CLI only sets the exit code.
    if (exitCodeFor(error) === 70) log.logger.error({ err: error }, `internal error: ${(error as Error)?.message ?? String(error)}`);
    else log.logger.error((error as Error).message);
    log.flush();
    throw markReported(error);
  }
}

async function serve(flags: ServeFlags, io: CliIo, log: RequestLog, format: LogFormat, worker?: WorkerSetup): Promise<void> {
  const maxBody = parseByteSize(flags.maxBody);
  const flagPort = flags.port === undefined ? undefined : parsePort(flags.port);
  // Read once, for serve's own settings (host, port, auth) and the Controller's.
  const config = await loadConfig(flags.config, io.env, io.cwd);
  const port = flagPort ?? config.server?.port ?? DEFAULT_PORT;
  const host = flags.host ?? config.server?.host ?? DEFAULT_HOST;
  const http = resolveHttpOptions(flags, io.env, config);
  // The gateway's prompt-free lines know --log-prompts before the first request.
  log.setLogPrompts(flags.logPrompts ?? config.server?.logPrompts ?? false);
  const metrics = new GatewayMetrics({ defaultMetrics: true });
  const sampling = resolveSampleOptions(flags, config, io.cwd);
  // Opened before anything loads: an unwritable path stops start-up (exit 2) in a moment. Under
  // --workers the primary opened it, and alone writes it: a worker sends it its lines.
  const sampleFile = sampling ? (worker ? new ForwardedSamples(process as never) : await openSampleFile(sampling, log)) : undefined;
  try {
    await serveWith(flags, io, log, format, { config, port, host, http, maxBody, metrics, sampling, sampleFile, worker });
  } finally {
    await sampleFile?.close();
    // The IPC channel keeps a worker alive: closing it (after the last sampled lines went) lets the process end.
    if (worker) cluster.worker?.disconnect();
  }
}

interface ServeSetup {
  readonly config: Awaited<ReturnType<typeof loadConfig>>;
  readonly port: number;
  readonly host: string;
  readonly http: ReturnType<typeof resolveHttpOptions>;
  readonly maxBody: number;
  readonly metrics: GatewayMetrics;
  readonly sampling: SampleOptions | undefined;
  /** The file, or under --workers the lines' way to the primary's file. */
  readonly sampleFile: SampleFile | ForwardedSamples | undefined;
  /** Set in a `serve --workers N` worker. */
  readonly worker: WorkerSetup | undefined;
}

async function serveWith(flags: ServeFlags, io: CliIo, log: RequestLog, format: LogFormat, setup: ServeSetup): Promise<void> {
  const { config, port, host, http, maxBody, metrics, sampling, sampleFile, worker } = setup;
  const sampler = sampling && sampleFile ? new PromptSampler({ rate: sampling.rate, fields: sampling.fields, sink: sampleFile }) : undefined;
  if (sampleFile) registerSampleMetrics(metrics.registry, sampleFile);
  // Warnings found while starting are written once the server listens: a fatal start-up error stands alone.
  const startUp = new HeldStartUpLines(log.logger);
  // The upstreams are resolved first (a missing key or an unknown provider prefix fails before the
  // routers load), and each provider's model list is read while they do.
  const prepared = await prepareController(
    // Every line to serve's own logger, whatever ROUTELLM_LOG says: pino's level decides there.
    { ...flags, baseURL: flags.baseUrl, env: io.env, cwd: io.cwd, fetch: io.fetch, logger: startUp, logLevel: 'info' },
    // Hub downloads: a live bar on a terminal (pretty), else their one line through the logger like every other.
    { audience: 'cli', config, observer: new ServeObserver(metrics, log), ...(sampler ? { sampler } : {}), ...(worker ? { shareChannel: process as never } : {}), ...(io.now ? { now: io.now } : {}), progress: format === 'pretty' ? io.stderr : { write: (text: string) => log.logger.info(text.trim().replace(/^routellm: /, '')) } },
  );
  let parts: ControllerParts | undefined;
  try {
    const { pair, upstreams } = prepared;
    const listed = prepared.modelList?.map((entry) => entry.name);
    const endpoints = [...new Set(listed ?? [pair.strong, pair.weak])].map((model) => upstreams.endpoint(model));
    // Under --workers, the first worker alone reads the model lists (and says what it found).
    const probed = flags.probe === false || (worker && worker.slot > 1) ? Promise.resolve([]) : probeModels(endpoints, { fetch: io.fetch });
    parts = await prepared.finish();
    if (io.signal?.aborted) return;
    watchPipeline(metrics, parts);
    const pipeline = parts.pipeline;
    const reloads = new RoutingReloads(parts.reload, log.logger);
    registerReloadMetrics(metrics.registry, { reloads, routerFingerprints: () => pipeline.routerFingerprints() });
    // A worker answers /metrics and /v1/routellm/stats with every worker's, added up by the primary.
    const link = worker ? new WorkerLink(process as never, { metrics: () => metrics.registry.getMetricsAsJSON(), stats: () => pipeline.stats() }) : undefined;
    const reload = (source: string) => {
      // Under --workers, a POST reaches one worker: the primary has the others reload too (SIGHUP, which it also forwards).
      if (source !== 'SIGHUP') link?.reloadOthers();
      return reloads.reload(source);
    };
    const served = link
      ? { metrics: { text: () => link.metricsText(), contentType: metrics.contentType }, stats: () => link.stats() }
      : { metrics };
    let server;
    try {
      server = await startServer({ pipeline, http, ...served, host, port, maxBody, reload, log: (line) => log.logger.error(line) });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') throw new UsageError(`port ${port} on ${host} is already in use; pick another with --port`);
      if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new UsageError(`cannot listen on host "${host}": ${code}; check --host`);
      throw error;
    }
    // Under --workers the first worker says them; the others would repeat each line word for word.
    if (worker && worker.slot > 1) startUp.discard();
    else startUp.release();
    for (const probe of await probed) reportProbe(log, probe);
    // Only the real CLI process: an embedded or test server leaves the host's heap alone.
    const uncap = io.stderr === process.stderr && process.env['ROUTELLM_YOUNG_GEN'] !== 'default' ? capYoungGeneration() : undefined;
    const options = parts.options;
    const routers = parts.pipeline.routing.decider.routerNames();
    const auth = http.authKeys.length > 0;
    log.logger.info({ url: server.url, routers, ...(worker ? { pid: process.pid } : {}), strong: pair.strong, weak: pair.weak }, `routellm listening on ${server.url} (routers: ${routers.join(', ')}; strong: ${pair.strong}; weak: ${pair.weak})`);
    // Said once: under --workers, by the first worker only.
    if (!worker || worker.slot === 1) {
      log.logger.info(
        { auth, fallback: options.fallback, deadline_s: options.deadlineMs / 1000 },
        `routellm gateway: auth ${auth ? `on (${http.authKeys.length} key(s))` : 'off'}, fallback ${options.fallback ? 'on' : 'off'}, ` +
          `deadline ${options.deadlineMs / 1000} s, metrics at ${server.url}/metrics, spend at ${server.url}/v1/routellm/stats`,
      );
      // Said once here: error messages name the model only, since they reach clients.
      if (listed) {
        const where = listed.map((model) => `${model} at ${publicURL(upstreams.endpoint(model).baseURL)}`);
        log.logger.info({ models: listed }, `routellm upstreams (cheapest first): ${where.join('; ')}`);
      } else {
        const strongURL = publicURL(upstreams.endpoint(pair.strong).baseURL);
        const weakURL = publicURL(upstreams.endpoint(pair.weak).baseURL);
        log.logger.info({ strong_url: strongURL, weak_url: weakURL }, `routellm upstreams: ${pair.strong} at ${strongURL}; ${pair.weak} at ${weakURL}`);
      }
      if (sampling) {
        log.logger.info(
          { sample_prompts: sampling.path, sample_rate: sampling.rate, sample_fields: sampling.fields, sample_max_bytes: sampling.maxBytes },
          `routellm prompt sampling ON: ${formatRate(sampling.rate)} of routed prompts are stored in ${sampling.path} (users' prompts: keep the file private; ` +
            `${sampling.fields.length > 0 ? `fields kept: ${sampling.fields.join(', ')}` : 'no other request field'}; rotated past ${Math.round(sampling.maxBytes / 1024 / 1024)} MiB)`,
        );
      } else {
        log.logger.info({ sample_prompts: null }, 'routellm prompt sampling off (--sample-prompts FILE keeps a share of routed prompts for routellm label)');
      }
      log.logger.info(
        { share_window: parts.shareOptions.window },
        `routellm shares: router-<r>-<n>% holds n% of each share's last ${parts.shareOptions.window} requests (windows kept ${shareStateWhere(parts.shareOptions.state)})`,
      );
    }
    // SIGHUP reloads (one at a time, in order); it no longer ends the process while serve runs.
    const stopHangups = io.onHangup?.(() => void reload('SIGHUP'));
    // Under --workers the primary says it, with its own pid.
    if (!worker) log.logger.info({ reload: `${server.url}/v1/routellm/reload` }, `routellm reload: kill -HUP ${process.pid} or POST ${server.url}/v1/routellm/reload re-reads the config file and the routers' weights`);
    await new Promise<void>((resolve) => {
      link?.onShutdown(resolve);
      if (!io.signal) return; // Without a signal (embedded use) the server runs until the process ends.
      if (io.signal.aborted) resolve();
      else io.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    stopHangups?.();
    log.logger.info({ in_flight: server.inFlight() }, `routellm: shutting down, finishing ${server.inFlight()} in-flight request(s)`);
    await server.close();
    uncap?.();
    link?.close();
  } finally {
    if (parts) await parts.close();
    else prepared.upstreams.close();
    log.flush();
  }
}

/** The gauges read the pipeline when scraped (nothing is set per request), and the live shares get theirs. */
function watchPipeline(metrics: GatewayMetrics, parts: ControllerParts): void {
  const { pipeline } = parts;
  metrics.sample.inFlight = () => pipeline.inFlight;
  metrics.sample.upstreamInFlight = () => pipeline.limiter.active;
  metrics.sample.queued = () => pipeline.limiter.queued;
  metrics.sample.savingUsd = () => pipeline.spend.savingUsd;
  if (pipeline.routing.decider.list) {
    metrics.sample.singleModelBills = () => pipeline.spend.singleModelBills();
    metrics.watchSingleModelBills();
  }
  if (pipeline.prices.priceOf(pipeline.routing.decider.pair.strong) === undefined) metrics.omitStrongOnlyCost();
  metrics.sample.routingHealth = () => pipeline.health.models().map((model) => ({ model, ...pipeline.health.window(model) }));
  registerShareMetrics(metrics.registry, parts.liveShares, undefined, pipeline.routing.decider.list !== undefined);
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

function formatRate(rate: number): string {
  return `${Number((rate * 100).toPrecision(6))}%`;
}

/** Where --share-state keeps the windows, for the start-up line (a Redis URL without its password). */
function shareStateWhere(state: string | undefined): string {
  if (state === undefined) return 'in memory only; --share-state FILE keeps them across restarts';
  return /^rediss?:/i.test(state) ? `in ${publicRedisUrl(parseRedisUrl(state))}` : `in ${state}`;
}
