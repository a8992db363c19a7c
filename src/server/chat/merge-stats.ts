import type { GatewayStats } from './chat-pipeline.js';
import type { ShareStatsJson } from '../observe/share-stats.js';
import { listSpendStats, round, type ListSpendStats, type ModelSpend } from '../spend/spend-tracker.js';

/** `GET /v1/routellm/stats` of `serve --workers N`: every worker's stats in one, and how many answered. */
export type MergedStats = GatewayStats & { readonly workers: number };

/**
 * Every worker's stats as one server's: counts (answered, failed, by status), tokens and spend summed; `since` the earliest;
 * the saving known only when every worker knows it; each model's fallback share recomputed from
 * the summed calls; each live share as the worker whose window is fullest reports it (the workers
 * hold one window through the primary, so they differ by at most a sync's worth of requests); over
 * a models: list, the single-model bills added up too. `retired`: what workers that exited had counted
 * (`retireStats`), added to the counts so they never go down when a worker is restarted from zero.
 */
export function mergeStats(live: readonly GatewayStats[], retired?: GatewayStats): MergedStats {
  const [first] = live;
  if (!first) throw new RangeError('mergeStats needs the stats of at least one worker');
  const list = retired ? [...live, cumulativeStats(retired)] : live;
  const sum = (read: (stats: GatewayStats) => number) => round(list.reduce((total, stats) => total + read(stats), 0));
  const models: Record<string, ModelSpend> = {};
  for (const stats of list) {
    for (const [model, spend] of Object.entries(stats.models)) {
      const into = (models[model] ??= { requests: 0, input_tokens: 0, output_tokens: 0, cost_usd: 0, unpriced_requests: 0, usage_unknown_requests: 0 });
      for (const key of Object.keys(spend) as (keyof ModelSpend)[]) into[key] = round((into[key] ?? 0) + (spend[key] ?? 0));
    }
  }
  const strongOnlyKnown = list.some((stats) => stats.strong_only_spend_usd !== null);
  const strongOnly = sum((stats) => stats.strong_only_spend_usd ?? 0);
  const spend = sum((stats) => stats.spend_usd);
  const unknownBecause = list.find((stats) => stats.saving_unknown_because !== null && stats.saving_usd === null)?.saving_unknown_because ?? null;
  const saving = unknownBecause === null && strongOnlyKnown ? round(strongOnly - spend) : null;
  const byStatus: Record<string, number> = {};
  for (const stats of list) for (const [status, count] of Object.entries(stats.requests_by_status)) byStatus[status] = (byStatus[status] ?? 0) + count;
  const fallbacks: Record<string, number> = {};
  for (const stats of list) for (const [reason, count] of Object.entries(stats.fallbacks)) fallbacks[reason] = (fallbacks[reason] ?? 0) + count;
  const health: Record<string, { calls: number; fallbacks: number; fallback_share: number; degraded: boolean }> = {};
  for (const stats of list) {
    for (const [model, window] of Object.entries(stats.routing_health.models)) {
      const into = (health[model] ??= { calls: 0, fallbacks: 0, fallback_share: 0, degraded: false });
      into.calls += window.calls;
      into.fallbacks += window.fallbacks;
      into.degraded ||= window.degraded;
    }
  }
  for (const window of Object.values(health)) window.fallback_share = window.calls === 0 ? 0 : Math.round((window.fallbacks / window.calls) * 1e4) / 1e4;
  const shares = new Map<string, ShareStatsJson>();
  for (const stats of list) {
    for (const share of stats.shares ?? []) {
      const seen = shares.get(share.model);
      if (!seen || share.window_fill > seen.window_fill) shares.set(share.model, share);
    }
  }
  return {
    ...first,
    since: list.map((stats) => stats.since).sort()[0] as string,
    requests: sum((stats) => stats.requests),
    failed_requests: sum((stats) => stats.failed_requests),
    requests_by_status: byStatus,
    spend_usd: spend,
    strong_only_spend_usd: strongOnlyKnown ? strongOnly : null,
    saving_usd: saving,
    saving_ratio: saving === null || strongOnly === 0 ? null : round(saving / strongOnly),
    saving_unknown_because: saving === null ? (unknownBecause ?? first.saving_unknown_because) : null,
    unpriced_requests: sum((stats) => stats.unpriced_requests),
    usage_unknown_requests: sum((stats) => stats.usage_unknown_requests),
    models,
    ...(list.some((stats) => stats.shares) ? { shares: [...shares.values()] } : {}),
    fallbacks,
    routing_health: { ...first.routing_health, models: health },
    ...(first.list ? { list: mergeListStats(list.map((stats) => stats.list).filter((stats) => stats !== undefined), spend, strongOnlyKnown ? strongOnly : null, saving !== null) } : {}),
    workers: live.length,
  };
}

/**
 * What of one worker's stats counts since its start-up: everything but the degradation window and the
 * live shares (those are now, and leave with the worker).
 */
export function cumulativeStats(stats: GatewayStats): GatewayStats {
  const { shares: _shares, ...counted } = stats;
  return { ...counted, routing_health: { ...stats.routing_health, models: {} } };
}

/** `retired` (what workers that exited had counted) with the last stats of one more that exited. */
export function retireStats(retired: GatewayStats | undefined, exited: GatewayStats): GatewayStats {
  const { workers: _workers, ...merged } = mergeStats([cumulativeStats(exited)], retired);
  return merged;
}

/**
 * Over a models: list, every worker's single-model bills as one server's: bills summed (unknown when
 * no worker knows one), mean predicted qualities weighed by each worker's requests, and the best
 * single model and the spend ratio picked again from those (the first worker's alone said only its share).
 */
function mergeListStats(lists: readonly ListSpendStats[], spend: number, allStrongest: number | null, spendKnown: boolean): ListSpendStats {
  const models = (lists[0] as ListSpendStats).models;
  const requests = lists.reduce((total, stats) => total + stats.requests, 0);
  const bills = models.map((model) => {
    const known = lists.map((stats) => stats.single_model_bills[model]?.spend_usd).filter((bill): bill is number => typeof bill === 'number');
    return known.length === 0 ? null : round(known.reduce((total, bill) => total + bill, 0));
  });
  const means = models.map((model) =>
    requests === 0 ? null : round(lists.reduce((total, stats) => total + (stats.single_model_bills[model]?.mean_predicted_quality ?? 0) * stats.requests, 0) / requests),
  );
  return listSpendStats(models, requests, bills, means, spend, allStrongest, spendKnown);
}
