import { ConfigError } from '../../core/index.js';
import { MAX_DURATION_SECONDS, parsePrices, type ModelPrice } from '../../config/config-sections.js';
import type { RoutellmConfig } from '../../config/load-config.js';
import { DEFAULT_DEGRADED_SHARE, DEFAULT_DEGRADED_WINDOW_MS } from '../policy/routing-health.js';
import { DEFAULT_DEADLINE_MS, DEFAULT_TTFB_TIMEOUT_MS } from '../policy/upstream-deadline.js';

/** Default `--max-concurrency`: upstream calls at once. */
export const DEFAULT_MAX_CONCURRENCY = 256;
/** Default `--max-queue`: requests that may wait for a slot before 429. */
export const DEFAULT_MAX_QUEUE = 1024;

/**
 * How the chat pipeline answers, as asked for: serve's flags and the Controller's options of the
 * same names (camel-cased flags, durations in seconds as the flags take them). Undefined leaves it
 * to the config file's `server:` section, then the default.
 */
export interface ChatSettings {
  /** Retry a routed model that failed before its first byte on the other model (`--no-fallback`: false). Default true. */
  readonly fallback?: boolean | undefined;
  /** Seconds each upstream attempt may take, streams included, within `deadline` (`--timeout`; default: `deadline`'s own, 540). */
  readonly timeout?: number | undefined;
  /** Seconds a stream may stay silent, before its first event and between events (`--ttfb-timeout`; default 60). */
  readonly ttfbTimeout?: number | undefined;
  /** Seconds one request may take in all: the queue, every attempt and the fallback (`--deadline`; default 540). */
  readonly deadline?: number | undefined;
  /** Upstream calls at once (`--max-concurrency`; default 256). */
  readonly maxConcurrency?: number | undefined;
  /** Calls that may wait for a slot before a 429 (`--max-queue`; default 1024). */
  readonly maxQueue?: number | undefined;
  /** Put the routing text in log lines and log upstream error messages whole (`--log-prompts`). */
  readonly logPrompts?: boolean | undefined;
  /** Ask streaming upstreams for usage, so tokens and cost are counted (`--no-stream-usage`: false). Default true. */
  readonly streamUsage?: boolean | undefined;
  /** Share of one model's calls that may fall back over `degradedWindow` before routing counts as degraded (default 0.2). */
  readonly degradedShare?: number | undefined;
  /** Seconds of the `degradedShare` window (default 300). */
  readonly degradedWindow?: number | undefined;
  /** Log each routing decision as it is made (`--verbose`). */
  readonly verbose?: boolean | undefined;
  /** USD per million tokens by model, over the config file's `prices:` and the built-in table. */
  readonly prices?: Readonly<Record<string, ModelPrice>> | undefined;
}

/** The chat pipeline's settings, resolved once at start-up: setting, then config file, then default. Durations in ms. */
export interface ChatOptions {
  readonly fallback: boolean;
  readonly timeoutMs: number;
  readonly ttfbTimeoutMs: number;
  readonly maxConcurrency: number;
  readonly maxQueue: number;
  readonly logPrompts: boolean;
  /** Add `stream_options.include_usage` to streams, so their tokens and cost are counted. */
  readonly streamUsage: boolean;
  /** One request's whole budget (--deadline): queue wait, every attempt and the fallback, in ms. */
  readonly deadlineMs: number;
  /** Share of one model's calls that may fall back over `degradedWindowMs` before routing counts as degraded. */
  readonly degradedShare: number;
  readonly degradedWindowMs: number;
  /** Log each routing decision (`serve --verbose`). */
  readonly verbose: boolean;
  readonly prices: Readonly<Record<string, ModelPrice>>;
}

/** Defaults for everything. */
export const DEFAULT_CHAT_OPTIONS: ChatOptions = {
  fallback: true,
  timeoutMs: DEFAULT_DEADLINE_MS,
  ttfbTimeoutMs: DEFAULT_TTFB_TIMEOUT_MS,
  maxConcurrency: DEFAULT_MAX_CONCURRENCY,
  maxQueue: DEFAULT_MAX_QUEUE,
  logPrompts: false,
  streamUsage: true,
  deadlineMs: DEFAULT_DEADLINE_MS,
  degradedShare: DEFAULT_DEGRADED_SHARE,
  degradedWindowMs: DEFAULT_DEGRADED_WINDOW_MS,
  verbose: false,
  prices: {},
};

/**
 * Resolves setting -> config file `server:` -> default. A setting out of range is a ConfigError
 * naming it (serve's flags are checked again here: the Controller takes the same values from code).
 */
export function resolveChatOptions(settings: ChatSettings, config: Pick<RoutellmConfig, 'server' | 'prices'>): ChatOptions {
  const file = config.server ?? {};
  const deadlineMs = secondsSetting('deadline', settings.deadline) ?? file.deadlineMs ?? DEFAULT_DEADLINE_MS;
  return {
    fallback: settings.fallback ?? file.fallback ?? DEFAULT_CHAT_OPTIONS.fallback,
    // No --timeout: the deadline alone ends an attempt. The fallback's room is kept by the first-byte
    // rule (UpstreamAttempt), and once an answer has started no fallback can follow, so a shorter default
    // would only cut long answers that were arriving (half the deadline once cut a stream at 270 s).
    timeoutMs: secondsSetting('timeout', settings.timeout) ?? file.timeoutMs ?? deadlineMs,
    ttfbTimeoutMs: secondsSetting('ttfbTimeout', settings.ttfbTimeout) ?? file.ttfbTimeoutMs ?? DEFAULT_TTFB_TIMEOUT_MS,
    maxConcurrency: integerSetting('maxConcurrency', settings.maxConcurrency, 1) ?? file.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY,
    maxQueue: integerSetting('maxQueue', settings.maxQueue, 0) ?? file.maxQueue ?? DEFAULT_MAX_QUEUE,
    logPrompts: settings.logPrompts ?? file.logPrompts ?? false,
    streamUsage: settings.streamUsage ?? file.streamUsage ?? true,
    deadlineMs,
    degradedShare: shareSetting('degradedShare', settings.degradedShare) ?? file.degradedShare ?? DEFAULT_DEGRADED_SHARE,
    degradedWindowMs: secondsSetting('degradedWindow', settings.degradedWindow) ?? file.degradedWindowMs ?? DEFAULT_DEGRADED_WINDOW_MS,
    verbose: settings.verbose ?? file.verbose ?? false,
    // The config file's own check: a negative or missing price given in code would make spend and saving nonsense.
    prices: { ...config.prices, ...parsePrices(settings.prices, 'prices') },
  };
}

/**
 * The warning for a --timeout (or `server: timeout:`) given above the deadline: every attempt is cut
 * by what the deadline has left first, so that timeout can never apply. A warning, not a refusal: the
 * server still works as the deadline says. The default timeout is the deadline itself, so it is never above it.
 */
export function timeoutBeyondDeadlineWarning(settings: ChatSettings, config: Pick<RoutellmConfig, 'server'>, options: ChatOptions): string | undefined {
  const given = settings.timeout !== undefined ? '--timeout' : config.server?.timeoutMs !== undefined ? 'server: timeout' : undefined;
  if (given === undefined || options.timeoutMs <= options.deadlineMs) return undefined;
  return (
    `${given} ${options.timeoutMs / 1000} s is above --deadline ${options.deadlineMs / 1000} s, so it never applies: each attempt is bounded by ` +
    `what the deadline has left; lower --timeout, or raise --deadline`
  );
}

/** A duration given in seconds, as ms; undefined when not given. */
export function secondsSetting(name: string, seconds: number | undefined): number | undefined {
  if (seconds === undefined) return undefined;
  if (!(Number.isFinite(seconds) && seconds > 0 && seconds <= MAX_DURATION_SECONDS)) {
    throw new ConfigError(`${name} must be a number of seconds above 0, at most ${MAX_DURATION_SECONDS} (a day), got ${seconds}`);
  }
  return Math.round(seconds * 1000);
}

function integerSetting(name: string, value: number | undefined, min: number): number | undefined {
  if (value !== undefined && !(Number.isInteger(value) && value >= min)) throw new ConfigError(`${name} must be an integer of ${min} or more, got ${value}`);
  return value;
}

function shareSetting(name: string, value: number | undefined): number | undefined {
  if (value !== undefined && !(Number.isFinite(value) && value >= 0 && value < 1)) throw new ConfigError(`${name} must be a share from 0 to below 1 (e.g. 0.2), got ${value}`);
  return value;
}
