import type { GatewayStats } from '../../server/chat/chat-pipeline.js';
import type { MetricJson } from '../../server/observe/aggregate-metrics.js';
import type { MergedStats } from '../../server/chat/merge-stats.js';
import type { ServeFlags } from './serve-flags.js';

/**
 * The messages of `serve --workers N` between the primary and its workers (besides the share
 * windows' sync, src/shares/share-channel.ts). A scrape of /metrics or /v1/routellm/stats reaches
 * one worker; it asks the primary (`collect`), which asks every worker (`report`) and answers
 * with the aggregate (`collected`). Each asks for one part: the metrics for /metrics, the stats for
 * the stats endpoint, so a scrape builds only what it answers with.
 */
export type ClusterMessage =
  | { readonly type: 'routellm:collect'; readonly id: number; readonly part: ReportPart }
  | { readonly type: 'routellm:report'; readonly id: number; readonly part: ReportPart }
  | ({ readonly type: 'routellm:reported'; readonly id: number } & WorkerReport)
  | { readonly type: 'routellm:collected'; readonly id: number; readonly text?: string; readonly stats?: MergedStats }
  | { readonly type: 'routellm:shutdown' }
  /** A worker reloaded on POST /v1/routellm/reload: the primary sends SIGHUP to every other worker, so all reload. */
  | { readonly type: 'routellm:reload-others' };

/** What a scrape asks of the workers: their metrics (GET /metrics) or their stats (GET /v1/routellm/stats). */
export type ReportPart = 'metrics' | 'stats';

/** One worker's answer to a `report`: the part asked for. */
export type WorkerReport = { readonly metrics: MetricJson[]; readonly stats?: undefined } | { readonly stats: GatewayStats; readonly metrics?: undefined };

/** What the primary tells a worker it forks, in ROUTELLM_SERVE_WORKER: serve's flags as parsed once, and its number. */
export interface WorkerSetup {
  readonly flags: ServeFlags;
  /** 1..N; a restarted worker keeps the number of the one it replaces. */
  readonly slot: number;
}

/** The environment variable a forked worker finds its setup in. */
export const WORKER_SETUP_ENV = 'ROUTELLM_SERVE_WORKER';

export function isClusterMessage(message: unknown): message is ClusterMessage {
  const type = (message as { type?: unknown } | null)?.type;
  return typeof type === 'string' && type.startsWith('routellm:') && type !== 'routellm:shares' && type !== 'routellm:shares-reply';
}
