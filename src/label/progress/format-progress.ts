import type { LabelProgressState } from '../label-progress.js';
import type { GatePause } from '../rate-gate.js';

/** USD as the summary and progress print it: cents for sums over a dollar, more digits below. */
export function formatUsd(usd: number | undefined): string {
  if (usd === undefined) return 'unknown (a model has no price)';
  if (usd >= 1) return `$${usd.toFixed(2)}`;
  if (usd === 0) return '$0';
  return `$${usd.toPrecision(2)}`;
}

/** `1h02m`, `3m05s`, `12s`. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m${String(s).padStart(2, '0')}s`;
  return `${s}s`;
}

/** The counts of a progress line: done/total, failures, spend, rate and time left. */
export function progressCounts(state: LabelProgressState): string {
  const done = state.labelled + state.failed;
  const rate = state.elapsedMs > 0 ? done / (state.elapsedMs / 1000) : 0;
  const eta = rate > 0 && done < state.total ? `, ${formatDuration(((state.total - done) / rate) * 1000)} left` : '';
  return `${state.labelled}/${state.total} labelled, ${state.failed} failed, ${formatUsd(state.spentUsd)} spent, ${rate.toFixed(1)} prompts/s${eta}`;
}

/** One line for a global pause. */
export function pauseLine(pause: GatePause): string {
  const why = pause.reason === 'rate-limited' ? 'rate limited (429)' : 'upstream failing (5xx, timeout or connection)';
  const wait = `${(pause.ms / 1000).toFixed(1)} s${pause.fromRetryAfter ? " (the upstream's retry-after)" : ''}`;
  return `${why}: pausing every call for ${wait}; up to ${pause.limit} prompt(s) at a time`;
}
