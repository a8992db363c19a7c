import { retireStats } from '../../server/chat/merge-stats.js';
import type { GatewayStats } from '../../server/chat/chat-pipeline.js';
import { cumulativeMetrics, sumMetrics, type MetricJson } from '../../server/observe/aggregate-metrics.js';
import type { ReportPart, WorkerReport } from './cluster-messages.js';

interface Latest<T> {
  /** The scrape it answered: a later one wins. */
  readonly id: number;
  readonly value: T;
}

/**
 * `serve --workers N`, in the primary: each worker's latest metrics and stats (whichever parts the
 * scrapes asked for), and what the workers that exited had counted. A worker that does not answer a
 * scrape in time counts with its previous report; one that exits leaves the counters of its last one
 * (`retire`) in every later sum, so no total goes down when a worker is restarted from zero.
 */
export class WorkerReports<W extends object> {
  readonly #latest = new Map<W, { metrics?: Latest<MetricJson[]>; stats?: Latest<GatewayStats> }>();
  readonly #gone = new WeakSet<W>();
  #retiredStats: GatewayStats | undefined;
  /** The earlier retired metrics summed into one set first, then the ones retired since (summed down one fold at a time). */
  #retiredMetrics: MetricJson[][] = [];
  #folding = false;

  /** Keeps `report` as `worker`'s latest part, unless the worker has exited (its last one is retired). */
  remember(worker: W, id: number, report: WorkerReport): void {
    if (this.#gone.has(worker)) return;
    const latest = this.#latest.get(worker) ?? {};
    if (report.metrics && (latest.metrics === undefined || latest.metrics.id < id)) latest.metrics = { id, value: report.metrics };
    if (report.stats && (latest.stats === undefined || latest.stats.id < id)) latest.stats = { id, value: report.stats };
    this.#latest.set(worker, latest);
  }

  /** `worker` exited: its last counters join the retired ones. */
  retire(worker: W): void {
    this.#gone.add(worker);
    const latest = this.#latest.get(worker);
    this.#latest.delete(worker);
    if (latest?.stats) this.#retiredStats = retireStats(this.#retiredStats, latest.stats.value);
    if (latest?.metrics) {
      this.#retiredMetrics = [...this.#retiredMetrics, cumulativeMetrics(latest.metrics.value)];
      void this.#fold();
    }
  }

  /** Whether any live worker has reported `part`. */
  has(part: ReportPart): boolean {
    for (const latest of this.#latest.values()) if (latest[part]) return true;
    return false;
  }

  /** Every live worker's latest metrics, then the retired ones: sets to add up. */
  metrics(): MetricJson[][] {
    return [...[...this.#latest.values()].flatMap((latest) => (latest.metrics ? [latest.metrics.value] : [])), ...this.#retiredMetrics];
  }

  /** Every live worker's latest stats, and the retired workers' counts. */
  stats(): { live: GatewayStats[]; retired: GatewayStats | undefined } {
    return { live: [...this.#latest.values()].flatMap((latest) => (latest.stats ? [latest.stats.value] : [])), retired: this.#retiredStats };
  }

  async #fold(): Promise<void> {
    if (this.#folding || this.#retiredMetrics.length < 2) return;
    this.#folding = true;
    const parts = this.#retiredMetrics;
    const summed = await sumMetrics(parts);
    // Sets retired while summing stay after the sum; nothing else replaces the list meanwhile.
    this.#retiredMetrics = [summed, ...this.#retiredMetrics.slice(parts.length)];
    this.#folding = false;
    void this.#fold();
  }
}
