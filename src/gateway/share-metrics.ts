import { Gauge, type Registry } from 'prom-client';
import type { ShareTrackStats } from '../core/index.js';

/** What the gateway reads live shares through (a ShareCalibrator). */
export interface ShareStatsSource {
  stats(): ShareTrackStats[];
}

/** One live share in `GET /v1/routellm/stats`. */
export interface ShareStatsJson {
  /** The model name clients use, e.g. `router-mf-30%`. */
  readonly model: string;
  readonly router: string;
  readonly share: number;
  readonly threshold: number;
  readonly threshold_source: 'table' | 'window';
  /** Share of the window's requests that went strong; null while it is empty. */
  readonly realized_share: number | null;
  readonly window_fill: number;
  readonly window_size: number;
  /** For a budget name: its USD per hour, the allowance left (negative: overspent), requests per hour and a strong call's mean cost. */
  readonly budget?: { usd_per_hour: number; allowance_usd: number; requests_per_hour: number; strong_cost_usd: number };
}

/** The label and model-name form of a share or budget: `30%`, `$20/h`. */
function shareLabel(track: ShareTrackStats): string {
  return track.budget ? `$${track.budget.usdPerHour}/h` : `${+(track.share * 100).toFixed(4)}%`;
}

const round = (value: number) => Math.round(value * 1e6) / 1e6;

/** `shares` of `GET /v1/routellm/stats`. */
export function shareStatsJson(source: ShareStatsSource): ShareStatsJson[] {
  return source.stats().map((track) => ({
    model: `router-${track.router}-${shareLabel(track)}`,
    router: track.router,
    share: track.share,
    threshold: track.threshold,
    threshold_source: track.source,
    realized_share: track.realizedShare,
    window_fill: track.windowFill,
    window_size: track.windowSize,
    ...(track.budget
      ? {
          budget: {
            usd_per_hour: track.budget.usdPerHour,
            allowance_usd: round(track.budget.allowanceUsd),
            requests_per_hour: round(track.budget.requestsPerHour),
            strong_cost_usd: round(track.budget.strongCostUsd),
          },
        }
      : {}),
  }));
}

/**
 * Gauges per router and asked share, read from the live windows when scraped (nothing is set
 * per request): the realized strong share over the window, the threshold in force, the window's fill.
 */
export function registerShareMetrics(registry: Registry, source: ShareStatsSource, prefix = 'routellm_'): void {
  const labelNames = ['router', 'share'] as const;
  const gauge = (name: string, help: string, read: (track: ShareTrackStats) => number | null) =>
    new Gauge({
      name: `${prefix}${name}`,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        for (const track of source.stats()) this.labels(track.router, shareLabel(track)).set(read(track) ?? Number.NaN);
      },
    });
  gauge('share_realized', 'Share of the live window of router-<router>-<share> requests that went to the strong model (0..1).', (track) => track.realizedShare);
  gauge('share_threshold', 'Win-rate threshold in force for router-<router>-<share> (the calibration table until the window is warm).', (track) => track.threshold);
  gauge('share_window_fill', 'Requests in the live window of router-<router>-<share> (of routellm_share_window_size).', (track) => track.windowFill);
  gauge('share_allowed', 'Share of calls a budget name (router-<router>-$<usd>/h) allows now; the asked share for a share name (0..1).', (track) => track.share);
  gauge('share_window_size', 'Requests a live share window holds when full (--share-window).', (track) => track.windowSize);
}
