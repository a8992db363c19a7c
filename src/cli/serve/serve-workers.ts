import cluster, { type Worker } from 'node:cluster';
import { join } from 'node:path';
import { Counter, Gauge, Registry } from 'prom-client';
import { MAX_SHARE_TRACKS, RoutellmError, UsageError } from '../../core/index.js';
import { loadConfig } from '../../config/load-config.js';
import { DEFAULT_SHUTDOWN_GRACE_MS } from '../../server/http/start-server.js';
import { aggregateMetrics } from '../../server/observe/aggregate-metrics.js';
import { mergeStats, type MergedStats } from '../../server/chat/merge-stats.js';
import type { RequestLog } from '../../server/observe/request-log.js';
import { packageRoot } from '../../runtime/package-paths.js';
import { ClusterShareHub } from '../../shares/cluster-share-hub.js';
import { isShareSyncRequest, sendQuietly } from '../../shares/share-channel.js';
import { resolveShareOptions } from '../../shares/share-options.js';
import { resolveSampleOptions } from '../../server/options/sample-options.js';
import { registerSampleMetrics } from '../../server/observe/sample-metrics.js';
import { isSampleLinesMessage } from '../../server/sample/forwarded-samples.js';
import { openSampleFile } from './open-sample-file.js';
import type { CliIo } from '../io.js';
import { markReported } from '../reported-error.js';
import { isClusterMessage, WORKER_SETUP_ENV, type ClusterMessage, type ReportPart, type WorkerSetup } from './cluster-messages.js';
import { WorkerReports } from './worker-reports.js';
import type { ServeFlags } from './serve-flags.js';

/** A worker up this long starts its count of crashes in a row again. */
const STABLE_MS = 10_000;
/** Longest the primary waits for one worker's report before aggregating without it. */
const REPORT_TIMEOUT_MS = 2000;
/** After asking the workers to stop, how long before one still running is killed: their drain, and some. */
const STOP_TIMEOUT_MS = DEFAULT_SHUTDOWN_GRACE_MS + 5000;

/**
 * How long the primary waits before restarting a worker that exited, by crashes in a row:
 * 0.1 s, then doubling up to 10 s, so a worker that dies at start-up (a crash loop) costs at most
 * one start every 10 s instead of spinning the CPU.
 */
export function restartDelayMs(crashesInARow: number): number {
  return Math.min(100 * 2 ** Math.max(0, crashesInARow - 1), 10_000);
}

interface Slot {
  readonly n: number;
  worker: Worker | undefined;
  startedAt: number;
  listening: boolean;
  crashes: number;
  restart: NodeJS.Timeout | undefined;
  /** The exit code of its last worker (1 for a signal). */
  exitCode: number;
}

/**
 * `routellm serve --workers N` (N >= 2): the primary of a node:cluster. It forks N workers running
 * `serve` with the flags parsed here (the first one alone, so a start-up error is said once; then
 * the rest), which share the port (the primary hands out connections). It restarts a worker that
 * exits (a warning, and a growing delay for one that keeps crashing), holds the live share windows
 * of every worker (and `--share-state FILE`), and answers a worker's scrape with every worker's
 * metrics and stats added up. It keeps each worker's latest report: a worker that does not answer a
 * scrape in time counts with it, and one that exits leaves its counters in every later total
 * (WorkerReports), so counters never go down when a worker is restarted from zero. On the signal it asks each
 * worker to drain and waits for them.
 */
export async function serveWorkers(flags: ServeFlags, count: number, io: CliIo, log: RequestLog): Promise<void> {
  const logger = log.logger;
  const config = await loadConfig(flags.config, io.env, io.cwd);
  const shareOptions = resolveShareOptions(flags, config, io.cwd);
  const redis = shareOptions.state !== undefined && /^rediss?:/i.test(shareOptions.state);
  const hub = new ClusterShareHub({
    path: redis ? undefined : shareOptions.state,
    windowSize: shareOptions.window,
    // Each worker holds at most MAX_SHARE_TRACKS names; one worker's worth more for names just dropped.
    maxWindows: (count + 1) * MAX_SHARE_TRACKS,
    log: { warn: (line) => logger.warn(line), info: (line) => logger.info(`routellm: ${line}`) },
  });
  // The one writer of --sample-prompts' file (its size cap and rotation hold for the whole cluster):
  // the workers send it their lines. Opened before any worker starts: an unwritable path stops start-up.
  const sampling = resolveSampleOptions(flags, config, io.cwd);
  const sampleFile = sampling ? await openSampleFile(sampling, log) : undefined;
  try {
    await hub.start();
  } catch (error) {
    await sampleFile?.close();
    throw error;
  }

  const registry = new Registry();
  if (sampleFile) registerSampleMetrics(registry, sampleFile);
  const live = new Gauge({ name: 'routellm_workers', help: 'Worker processes serving now (serve --workers).', registers: [registry] });
  const restarts = new Counter({ name: 'routellm_worker_restarts_total', help: 'Workers restarted after they exited (serve --workers).', registers: [registry] });

  const silent = io.stderr !== process.stderr;
  cluster.setupPrimary({ exec: join(packageRoot(), 'bin', 'routellm.js'), args: ['serve'], cwd: io.cwd, silent });
  const slots: Slot[] = Array.from({ length: count }, (_, index) => ({ n: index + 1, worker: undefined, startedAt: 0, listening: false, crashes: 0, restart: undefined, exitCode: 0 }));
  let stopping = false;
  let port: string | undefined = flags.port;
  let url = '';
  const pending = new Map<number, { receive(worker: Worker): void; drop(worker: Worker): void }>();
  let nextReport = 0;
  const countLive = () => live.set(slots.filter((slot) => slot.listening).length);

  const reports = new WorkerReports<Worker>();

  /**
   * One part of every worker's report, added up, after asking each listening worker for a new one (a
   * worker that does not answer in time counts with the one before), with what exited workers had counted.
   */
  const collect = async (part: ReportPart): Promise<{ text: string } | { stats: MergedStats } | undefined> => {
    const workers = slots.filter((slot) => slot.listening && slot.worker?.isConnected()).map((slot) => slot.worker as Worker);
    const id = (nextReport += 1);
    await new Promise<void>((resolve) => {
      const waiting = new Set(workers);
      const finish = () => {
        clearTimeout(timer);
        pending.delete(id);
        resolve();
      };
      const timer = setTimeout(finish, REPORT_TIMEOUT_MS);
      const entry = {
        receive(worker: Worker) {
          if (waiting.delete(worker) && waiting.size === 0) finish();
        },
        drop(worker: Worker) {
          if (waiting.delete(worker) && waiting.size === 0) finish();
        },
      };
      pending.set(id, entry);
      for (const worker of workers) if (!sendQuietly(worker, { type: 'routellm:report', id, part } satisfies ClusterMessage)) entry.drop(worker);
      if (waiting.size === 0) finish();
    });
    countLive();
    if (!reports.has(part)) return undefined;
    if (part === 'stats') {
      const { live: current, retired } = reports.stats();
      return { stats: mergeStats(current, retired) };
    }
    const own = await registry.getMetricsAsJSON();
    // Read in one turn, after the await: a worker that exits has its report in the live sets or the retired ones, not both.
    return { text: await aggregateMetrics([...reports.metrics(), own]) };
  };

  const onMessage = (worker: Worker, message: unknown) => {
    if (isSampleLinesMessage(message)) {
      for (const line of message.lines) if (typeof line === 'string') sampleFile?.push(line);
      return;
    }
    if (isShareSyncRequest(message)) {
      sendQuietly(worker, hub.sync(message));
      return;
    }
    if (!isClusterMessage(message)) return;
    if (message.type === 'routellm:reported') {
      reports.remember(worker, message.id, message);
      pending.get(message.id)?.receive(worker);
    } else if (message.type === 'routellm:reload-others') hangUp(worker);
    else if (message.type === 'routellm:collect') {
      const id = message.id;
      void collect(message.part).then((result) => {
        if (result) sendQuietly(worker, { type: 'routellm:collected', id, ...result } satisfies ClusterMessage);
      });
    }
  };

  /** SIGHUP to every listening worker but `except`: each reloads its routers (serve's reload). */
  const hangUp = (except?: Worker) => {
    for (const slot of slots) {
      const pid = slot.worker?.process.pid;
      if (slot.listening && slot.worker !== except && pid !== undefined) process.kill(pid, 'SIGHUP');
    }
  };

  /** Forks the worker of `slot`; resolves true once it listens, false if it exits first. */
  const fork = (slot: Slot): Promise<boolean> => {
    slot.restart = undefined;
    const setup: WorkerSetup = { flags: { ...flags, port }, slot: slot.n };
    const worker = cluster.fork({ ...io.env, [WORKER_SETUP_ENV]: JSON.stringify(setup) });
    if (silent) {
      worker.process.stdout?.pipe(io.stdout, { end: false });
      worker.process.stderr?.pipe(io.stderr, { end: false });
    }
    slot.worker = worker;
    slot.startedAt = Date.now();
    slot.listening = false;
    worker.on('message', (message: unknown) => onMessage(worker, message));
    return new Promise<boolean>((resolve) => {
      worker.once('listening', (address) => {
        slot.listening = true;
        port ??= String(address.port);
        url ||= `http://${address.address?.includes(':') ? `[${address.address}]` : (address.address ?? '127.0.0.1')}:${address.port}`;
        countLive();
        resolve(true);
      });
      worker.once('exit', (code, signal) => {
        const wasListening = slot.listening;
        slot.exitCode = code ?? 1;
        slot.worker = undefined;
        reports.retire(worker);
        slot.listening = false;
        countLive();
        for (const entry of pending.values()) entry.drop(worker);
        resolve(false);
        if (stopping || (!wasListening && url === '')) return; // shutdown, or the first start failing: said by the caller
        if (wasListening && Date.now() - slot.startedAt >= STABLE_MS) slot.crashes = 0;
        slot.crashes += 1;
        const delay = restartDelayMs(slot.crashes);
        restarts.inc();
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        logger.warn(
          { worker: slot.n, pid: worker.process.pid, code, signal, crashes_in_a_row: slot.crashes, restart_in_ms: delay },
          `routellm: worker ${slot.n} (pid ${worker.process.pid}) ${how}${wasListening ? '' : ' before it listened'}; restarting it in ${delay / 1000} s` +
            (slot.crashes > 1 ? ` (${slot.crashes} exits in a row)` : ''),
        );
        slot.restart = setTimeout(() => void fork(slot), delay);
      });
    });
  };

  const [first, ...rest] = slots as [Slot, ...Slot[]];
  const started = await fork(first);
  if (!started) {
    await hub.close();
    await sampleFile?.close();
    // The worker said why, in its own line.
    throw markReported(first.exitCode === 2 ? new UsageError('serve: the first worker could not start') : new RoutellmError('serve: the first worker could not start'));
  }
  await Promise.all(rest.map((slot) => fork(slot)));
  logger.info(
    { workers: count, url, pid: process.pid },
    `routellm: ${count} workers serving on ${url} (primary pid ${process.pid}); a worker that exits is restarted; /metrics and /v1/routellm/stats add up every worker`,
  );

  const stopHangups = io.onHangup?.(() => hangUp());
  logger.info(
    { reload: `${url}/v1/routellm/reload` },
    `routellm reload: kill -HUP ${process.pid} (the primary) or POST ${url}/v1/routellm/reload re-reads the config file and the routers' weights in every worker`,
  );

  await new Promise<void>((resolve) => {
    if (!io.signal) return;
    if (io.signal.aborted) resolve();
    else io.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  stopping = true;
  stopHangups?.();
  const running = slots.filter((slot) => slot.worker).map((slot) => slot.worker as Worker);
  for (const slot of slots) clearTimeout(slot.restart);
  logger.info({ workers: running.length }, `routellm: stopping ${running.length} worker(s); each finishes its in-flight requests`);
  await Promise.all(
    running.map(
      (worker) =>
        new Promise<void>((resolve) => {
          const exited = worker.process.exitCode !== null || worker.process.signalCode !== null;
          // Gone once it exited and its channel closed: the sampled lines it sent last are read by then.
          let pending = (exited ? 0 : 1) + (worker.isConnected() ? 1 : 0);
          if (pending === 0) return resolve();
          const kill = setTimeout(() => worker.process.kill('SIGKILL'), STOP_TIMEOUT_MS);
          const done = () => {
            pending -= 1;
            if (pending > 0) return;
            clearTimeout(kill);
            resolve();
          };
          if (!exited) worker.once('exit', done);
          if (worker.isConnected()) worker.once('disconnect', done);
          if (exited) return;
          if (!sendQuietly(worker, { type: 'routellm:shutdown' } satisfies ClusterMessage)) worker.process.kill('SIGTERM');
        }),
    ),
  );
  await hub.close();
  await sampleFile?.close();
  logger.info('routellm: all workers stopped');
}
