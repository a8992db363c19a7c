import { RoutingError } from './errors.js';

/** A threshold given directly, or as the share of calls that should go to the strong model. */
export type ThresholdSpec =
  | { readonly kind: 'win-rate'; readonly value: number }
  | { readonly kind: 'strong-share'; readonly share: number }
  /** `$20/h`: strong spend held near a budget per hour (serve only). */
  | { readonly kind: 'budget'; readonly usdPerHour: number };

export interface ParsedModelName {
  readonly router: string;
  readonly threshold: ThresholdSpec;
}

const PREFIX = 'router';
const NUMBER = /^\+?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
/** NUMBER with a minus allowed, so `-0.1` is reported as out of range rather than as not a number. */
const SIGNED_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const FORMAT = 'expected "router-<router>-<threshold>", e.g. "router-mf-0.116" or "router-mf-50%"';

/**
 * Parses `router-<router>-<threshold>` with the Python RouteLLM's semantics: split on the
 * first two hyphens, the rest is the threshold, a number in [0, 1]. We also accept
 * `<percent>%`, a share of strong-model calls resolved through a calibration table.
 */
export function parseModelName(model: unknown, options: ThresholdOptions = {}): ParsedModelName {
  if (typeof model !== 'string' || model.length === 0) {
    throw new RoutingError(`model must be a non-empty string; ${FORMAT}`, { param: 'model', code: 'invalid_model' });
  }
  const first = model.indexOf('-');
  const second = first < 0 ? -1 : model.indexOf('-', first + 1);
  if (first < 0 || second < 0 || model.slice(0, first) !== PREFIX) {
    throw new RoutingError(`invalid model "${clip(model)}": ${FORMAT}`, { param: 'model', code: 'invalid_model' });
  }
  const router = model.slice(first + 1, second);
  const raw = model.slice(second + 1);
  if (router.length === 0) {
    throw new RoutingError(`invalid model "${clip(model)}": the router name is empty; ${FORMAT}`, {
      param: 'model',
      code: 'invalid_model',
    });
  }
  return { router, threshold: parseThreshold(raw, options) };
}

/** How a threshold is read: over a list of models (docs/multi-model.md) the knob may exceed 1. */
export interface ThresholdOptions {
  /** True over a list of models: a numeric knob is any number >= 0, not a win rate in [0, 1]. */
  readonly knob?: boolean;
}

/** What to do instead of a 0% or 100% share, wherever one is refused (route, serve, calibrate). */
export const EXTREME_SHARE_ADVICE =
  "a strong-model share must be strictly between 0% and 100%; use threshold 0 to send every call to the strong model, or call the weak model's own endpoint to skip routing";

/** The same over a list of models, where a share is of the bill and knob 0 sends each call to the model predicted best. */
export const EXTREME_COST_SHARE_ADVICE =
  "a cost share must be strictly between 0% and 100%; use knob 0 to send each call to the model predicted best, or call the cheapest model's own endpoint to skip routing";

/**
 * Parses a threshold: a number in [0, 1], a percentage strictly between 0 and 100 followed
 * by `%`, or a strong-model budget in USD per hour (`$20/h`). 0% and 100% are refused, as `calibrate --strong-model-pct` refuses them: a table's
 * extreme quantiles are the lowest and highest rates it saw, so they would not mean "never"
 * and "always" for prompts outside its sample.
 */
export function parseThreshold(raw: string, options: ThresholdOptions = {}): ThresholdSpec {
  if (raw.startsWith('$')) {
    const match = /^\$(\d+(?:\.\d*)?|\.\d+)\/h$/.exec(raw);
    const usdPerHour = match ? Number(match[1]) : Number.NaN;
    if (!(usdPerHour > 0)) {
      throw new RoutingError(`threshold "${clip(raw)}" is not a budget; write a strong-model spend per hour like $20/h`, {
        param: 'model',
        code: 'invalid_threshold',
      });
    }
    return { kind: 'budget', usdPerHour };
  }
  if (raw.endsWith('%')) {
    const digits = raw.slice(0, -1);
    const percent = NUMBER.test(digits) ? Number(digits) : Number.NaN;
    if (percent === 0 || percent === 100) {
      throw new RoutingError(
        `threshold "${clip(raw)}": ${options.knob === true ? EXTREME_COST_SHARE_ADVICE : EXTREME_SHARE_ADVICE}`,
        { param: 'model', code: 'invalid_threshold' },
      );
    }
    if (!(percent > 0 && percent < 100)) {
      throw new RoutingError(`threshold "${clip(raw)}" is not a ${options.knob === true ? 'cost' : 'strong-model'} share between 0% and 100%`, {
        param: 'model',
        code: 'invalid_threshold',
      });
    }
    return { kind: 'strong-share', share: percent / 100 };
  }
  const parsed = SIGNED_NUMBER.test(raw) ? Number(raw) : Number.NaN;
  const value = parsed === 0 ? 0 : parsed; // -0 (Python's float("-0") is valid too) reads as 0
  if (Number.isNaN(value)) {
    // Over a list the knob is any number >= 0 and a share is of the bill, not of strong calls.
    const advice = options.knob === true ? 'use a knob >= 0 or a cost share like 30%' : 'use a number in [0, 1] or a share like 50%';
    throw new RoutingError(`threshold "${clip(raw)}" is not a number; ${advice}`, {
      param: 'model',
      code: 'invalid_threshold',
    });
  }
  if (options.knob === true && value > 1) return { kind: 'win-rate', value };
  if (value < 0 || value > 1) {
    // 50 is most likely a share written without its % sign: say how to write it.
    const share = value > 1 && value < 100 ? `; for ${raw}% of calls to the strong model write the share as ${raw}%` : '';
    const range = options.knob === true ? 'is below 0; over a list of models the knob is a number >= 0' : 'is outside [0, 1]';
    throw new RoutingError(`threshold ${raw} ${range}${options.knob === true ? '' : share}`, { param: 'model', code: 'invalid_threshold' });
  }
  return { kind: 'win-rate', value };
}

/** Writes a threshold back in model-name form. */
export function formatModelName(router: string, threshold: ThresholdSpec): string {
  const tail =
    threshold.kind === 'win-rate'
      ? String(threshold.value)
      : threshold.kind === 'budget'
        ? `$${threshold.usdPerHour}/h`
        : `${+(threshold.share * 100).toFixed(4)}%`;
  return `${PREFIX}-${router}-${tail}`;
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
