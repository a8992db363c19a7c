import type { ShareTrackStats } from '../../core/index.js';

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
  /** null: a budget over a list whose last decision sent every call to the cheapest model (threshold_source "cheapest"). */
  readonly threshold: number | null;
  readonly threshold_source: 'table' | 'window' | 'cheapest';
  /** Share of the window's requests that went strong; null while it is empty. */
  readonly realized_share: number | null;
  readonly window_fill: number;
  readonly window_size: number;
  /** For a budget name: its USD per hour, the allowance left (negative: overspent), requests per hour and a strong call's mean cost. */
  readonly budget?: { usd_per_hour: number; allowance_usd: number; requests_per_hour: number | null; strong_cost_usd: number };
}

/** The label and model-name form of a share or budget: `30%`, `$20/h`. */
export function shareLabel(track: ShareTrackStats): string {
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
    threshold_source: track.threshold === null ? 'cheapest' : track.source,
    realized_share: track.realizedShare,
    window_fill: track.windowFill,
    window_size: track.windowSize,
    ...(track.budget
      ? {
          budget: {
            usd_per_hour: track.budget.usdPerHour,
            allowance_usd: round(track.budget.allowanceUsd),
            requests_per_hour: track.budget.requestsPerHour === null ? null : round(track.budget.requestsPerHour),
            strong_cost_usd: round(track.budget.strongCostUsd),
          },
        }
      : {}),
  }));
}

