import type { ThresholdSpec } from '../core/index.js';

/** A share moves by 10 points per key press, kept within [5%, 95%] (0% and 100% are refused everywhere). */
const SHARE_STEP = 0.1;
const SHARE_MIN = 0.05;
const SHARE_MAX = 0.95;
/** A win-rate threshold moves by 0.05, within [0, 1]. */
const WIN_RATE_STEP = 0.05;
/** A budget moves by $1/h, never below $1/h. */
const BUDGET_STEP = 1;

/**
 * The threshold one key press up (`+1`: more calls strong) or down (`-1`) from `spec`. Up means a
 * higher share or budget, but a lower win-rate threshold, so the arrow's direction always says
 * "more strong" or "fewer strong" whichever way the threshold is written.
 */
export function stepThreshold(spec: ThresholdSpec, direction: 1 | -1): ThresholdSpec {
  switch (spec.kind) {
    case 'strong-share':
      return { kind: 'strong-share', share: round(clamp(spec.share + direction * SHARE_STEP, SHARE_MIN, SHARE_MAX), 4) };
    case 'win-rate':
      return { kind: 'win-rate', value: round(clamp(spec.value - direction * WIN_RATE_STEP, 0, 1), 4) };
    case 'budget':
      return { kind: 'budget', usdPerHour: round(Math.max(BUDGET_STEP, spec.usdPerHour + direction * BUDGET_STEP), 4) };
  }
}

/**
 * Switches between a share and a win-rate threshold: a share becomes the threshold in force on the
 * last answer (`liveThreshold`: for a share, the one it stood for; else 0.5); a win rate or a budget
 * becomes the 50% share.
 */
export function toggleThresholdKind(spec: ThresholdSpec, liveThreshold: number | undefined): ThresholdSpec {
  if (spec.kind === 'strong-share') return { kind: 'win-rate', value: round(liveThreshold ?? 0.5, 4) };
  return { kind: 'strong-share', share: 0.5 };
}

/** How the status line says a threshold: "50% strong", "win rate ≥ 0.3", "$20/h strong spend". */
export function describeThreshold(spec: ThresholdSpec): string {
  switch (spec.kind) {
    case 'strong-share':
      return `${round(spec.share * 100, 2)}% strong`;
    case 'win-rate':
      return `win rate ≥ ${spec.value}`;
    case 'budget':
      return `$${spec.usdPerHour}/h strong spend`;
  }
}

/** The router after (`+1`) or before (`-1`) `current` in `routers`, wrapping round. */
export function nextRouter(routers: readonly string[], current: string, direction: 1 | -1): string {
  if (routers.length === 0) return current;
  const index = routers.indexOf(current);
  const next = index < 0 ? 0 : (index + direction + routers.length) % routers.length;
  return routers[next]!;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function round(value: number, digits: number): number {
  return +value.toFixed(digits);
}
