import { RequestError } from '../../server/errors/request-error.js';
import type { GatewayStats } from '../../server/chat/chat-pipeline.js';
import type { MetricJson } from '../../server/observe/aggregate-metrics.js';
import type { MergedStats } from '../../server/chat/merge-stats.js';
import { sendQuietly, type ShareChannel } from '../../shares/share-channel.js';
import { isClusterMessage, type ClusterMessage, type ReportPart, type WorkerReport } from './cluster-messages.js';

/** Longest a scrape waits for the primary's aggregate. */
const COLLECT_TIMEOUT_MS = 5000;

/** Where a worker's report comes from: each part built only when asked for. */
export interface WorkerReportSources {
  metrics(): Promise<MetricJson[]>;
  stats(): GatewayStats;
}

/**
 * A `serve --workers N` worker's side of the primary's channel: answers the primary's `report`
 * with the part it asks for (this worker's metrics, or its stats), asks it for every worker's
 * (`collect`) when a scrape reaches this worker, and hears the primary's `shutdown`.
 */
export class WorkerLink {
  readonly #channel: ShareChannel;
  readonly #sources: WorkerReportSources;
  readonly #pending = new Map<number, (message: Extract<ClusterMessage, { type: 'routellm:collected' }> | undefined) => void>();
  readonly #onMessage: (message: unknown) => void;
  #nextId = 0;
  #shutdown: (() => void) | undefined;
  #shutdownAsked = false;

  constructor(channel: ShareChannel, sources: WorkerReportSources) {
    this.#channel = channel;
    this.#sources = sources;
    this.#onMessage = (message) => {
      if (!isClusterMessage(message)) return;
      if (message.type === 'routellm:report') {
        const id = message.id;
        void this.#report(message.part).then(
          (report) => this.#send({ type: 'routellm:reported', id, ...report }),
          () => {}, // the primary's own timeout skips a worker that cannot report
        );
      } else if (message.type === 'routellm:collected') {
        this.#pending.get(message.id)?.(message);
      } else if (message.type === 'routellm:shutdown') {
        this.#shutdownAsked = true;
        this.#shutdown?.();
      }
    };
    channel.on('message', this.#onMessage);
  }

  /** Calls `listener` when the primary asks this worker to shut down (at once if it asked already). */
  onShutdown(listener: () => void): void {
    this.#shutdown = listener;
    if (this.#shutdownAsked) listener();
  }

  /** Every worker's metrics as one Prometheus text, aggregated by the primary. */
  async metricsText(): Promise<string> {
    return (await this.#collect('metrics')).text as string;
  }

  /** Every worker's stats in one, merged by the primary. */
  async stats(): Promise<MergedStats> {
    return (await this.#collect('stats')).stats as MergedStats;
  }

  async #collect(part: ReportPart): Promise<Extract<ClusterMessage, { type: 'routellm:collected' }>> {
    const id = (this.#nextId += 1);
    const answer = await new Promise<Extract<ClusterMessage, { type: 'routellm:collected' }> | undefined>((resolve) => {
      const timer = setTimeout(() => done(undefined), COLLECT_TIMEOUT_MS);
      const done = (message: Extract<ClusterMessage, { type: 'routellm:collected' }> | undefined) => {
        clearTimeout(timer);
        this.#pending.delete(id);
        resolve(message);
      };
      this.#pending.set(id, done);
      if (!this.#send({ type: 'routellm:collect', id, part })) done(undefined);
    });
    if (!answer || answer[part === 'metrics' ? 'text' : 'stats'] === undefined) {
      throw new RequestError(503, `the primary process did not return the workers' ${part} in time (it may be restarting workers or shutting down); retry the scrape`, {
        type: 'server_error',
        code: 'workers_unavailable',
      });
    }
    return answer;
  }

  async #report(part: ReportPart): Promise<WorkerReport> {
    return part === 'metrics' ? { metrics: await this.#sources.metrics() } : { stats: this.#sources.stats() };
  }

  /** Asks the primary to reload every other worker (SIGHUP), as this one reloads on POST /v1/routellm/reload. */
  reloadOthers(): void {
    this.#send({ type: 'routellm:reload-others' });
  }

  /** Stops listening to the primary. */
  close(): void {
    this.#channel.off('message', this.#onMessage);
    for (const done of this.#pending.values()) done(undefined);
  }

  #send(message: ClusterMessage): boolean {
    return sendQuietly(this.#channel, message);
  }
}
