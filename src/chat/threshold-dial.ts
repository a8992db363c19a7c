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
 * The threshold one key press up (`+1`: more calls strong; over a list, more of the bill) or down
 * (`-1`) from `spec`. Up means a higher share or budget, but a lower win-rate threshold or knob, so
 * the arrow's direction always says "more strong" or "fewer strong" whichever way the threshold is
 * written. Over a list (`overList`) the knob is any number >= 0, so it is not held below 1.
 */
export function stepThreshold(spec: ThresholdSpec, direction: 1 | -1, overList = false): ThresholdSpec {
  switch (spec.kind) {
    case 'strong-share':
      return { kind: 'strong-share', share: round(clamp(spec.share + direction * SHARE_STEP, SHARE_MIN, SHARE_MAX), 4) };
    case 'win-rate':
      return { kind: 'win-rate', value: round(clamp(spec.value - direction * WIN_RATE_STEP, 0, overList ? Infinity : 1), 4) };
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

/**
 * How the status line says a threshold: "50% strong", "win rate ≥ 0.3", "$20/h strong spend"; over a
 * list of models, where no model is the strong one and a share is of the bill (serve's wording):
 * "50% cost share", "knob 0.3", "$20/h spend".
 */
export function describeThreshold(spec: ThresholdSpec, overList = false): string {
  switch (spec.kind) {
    case 'strong-share':
      return `${round(spec.share * 100, 2)}% ${overList ? 'cost share' : 'strong'}`;
    case 'win-rate':
      return overList ? `knob ${spec.value}` : `win rate ≥ ${spec.value}`;
    case 'budget':
      return `$${spec.usdPerHour}/h ${overList ? 'spend' : 'strong spend'}`;
  }
}

/** The keys, as the help line under the input says them; over a list the arrows move the bill, and Ctrl-T a knob. */
export function chatKeys(overList = false): string {
  return overList
    ? 'Tab router · ↑/↓ more/less of the bill · Ctrl-T share or knob · Ctrl-C quit'
    : 'Tab router · ↑/↓ more/fewer strong · Ctrl-T share or win rate · Ctrl-C quit';
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
