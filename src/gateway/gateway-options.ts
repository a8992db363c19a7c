import { InvalidArgumentError, Option } from 'commander';
import type { RoutellmConfig } from '../config/load-config.js';
import { resolveAuthKeys } from './api-key-auth.js';
import { EMPTY_GATEWAY_CONFIG, MAX_DURATION_SECONDS } from './file-config.js';
import type { ModelPrice } from './price-table.js';
import { DEFAULT_SERVER_LIMITS, type ServerLimits } from './server-limits.js';
import { DEFAULT_DEGRADED_SHARE, DEFAULT_DEGRADED_WINDOW_MS } from './routing-health.js';
import { DEFAULT_DEADLINE_MS, DEFAULT_TIMEOUT_MS, DEFAULT_TTFB_TIMEOUT_MS } from './upstream-deadline.js';

/** Default `--max-concurrency`: upstream calls at once. */
export const DEFAULT_MAX_CONCURRENCY = 256;
/** Default `--max-queue`: requests that may wait for a slot before 429. */
export const DEFAULT_MAX_QUEUE = 1024;

/** `routellm serve` flags of the gateway, as commander parses them. */
export interface GatewayFlags {
  readonly authKey?: string[];
  /** undefined unless `--fallback` or `--no-fallback` was given, so the config file can decide. */
  readonly fallback?: boolean;
  readonly timeout?: number;
  readonly ttfbTimeout?: number;
  readonly maxConcurrency?: number;
  readonly maxQueue?: number;
  readonly headersTimeout?: number;
  readonly requestTimeout?: number;
  readonly logPrompts?: boolean;
  /** undefined unless `--stream-usage` or `--no-stream-usage` was given. */
  readonly streamUsage?: boolean;
  readonly deadline?: number;
  readonly degradedShare?: number;
  readonly degradedWindow?: number;
  readonly verbose?: boolean;
}

/** The gateway's settings, resolved once at start-up: flag, then environment, then config file, then default. */
export interface GatewayOptions {
  readonly authKeys: readonly string[];
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
  readonly limits: ServerLimits;
  readonly prices: Readonly<Record<string, ModelPrice>>;
}

/** Defaults for everything, for tests and embedders. */
export const DEFAULT_GATEWAY_OPTIONS: GatewayOptions = {
  authKeys: [],
  fallback: true,
  timeoutMs: DEFAULT_TIMEOUT_MS,
  ttfbTimeoutMs: DEFAULT_TTFB_TIMEOUT_MS,
  maxConcurrency: DEFAULT_MAX_CONCURRENCY,
  maxQueue: DEFAULT_MAX_QUEUE,
  logPrompts: false,
  streamUsage: true,
  deadlineMs: DEFAULT_DEADLINE_MS,
  degradedShare: DEFAULT_DEGRADED_SHARE,
  degradedWindowMs: DEFAULT_DEGRADED_WINDOW_MS,
  verbose: false,
  limits: DEFAULT_SERVER_LIMITS,
  prices: {},
};

/** The gateway flags of `routellm serve`, declared once so help and parsing agree. */
export function gatewayCliOptions(): Option[] {
  return [
    new Option('--auth-key <key...>', 'require "Authorization: Bearer <key>" with one of these keys (env ROUTELLM_AUTH_KEYS, comma-separated); /health stays open'),
    new Option('--fallback', 'retry on the other model when the routed one fails before its first byte (default)').hideHelp(),
    new Option('--no-fallback', 'never retry a failed request on the other model'),
    new Option('--deadline <seconds>', `budget of a whole request: queue wait, every upstream attempt and the fallback (default ${DEFAULT_DEADLINE_MS / 1000}, under the OpenAI SDK's own 600)`).argParser(positiveSeconds),
    new Option('--timeout <seconds>', `budget of each upstream attempt, streams included, within --deadline (default ${DEFAULT_TIMEOUT_MS / 1000})`).argParser(positiveSeconds),
    new Option('--ttfb-timeout <seconds>', `longest a stream may stay silent: before its first event and between events (default ${DEFAULT_TTFB_TIMEOUT_MS / 1000})`).argParser(positiveSeconds),
    new Option('--max-concurrency <n>', `upstream requests at once (default ${DEFAULT_MAX_CONCURRENCY})`).argParser(positiveInteger),
    new Option('--max-queue <n>', `requests waiting for an upstream slot before 429 (default ${DEFAULT_MAX_QUEUE})`).argParser(nonNegativeInteger),
    new Option('--headers-timeout <seconds>', `time a client has to send its headers (default ${DEFAULT_SERVER_LIMITS.headersTimeoutMs / 1000})`).argParser(positiveSeconds),
    new Option('--request-timeout <seconds>', `time a client has to send its whole request (default ${DEFAULT_SERVER_LIMITS.requestTimeoutMs / 1000})`).argParser(positiveSeconds),
    new Option('--degraded-share <share>', `warn when more than this share of one model's calls fall back over --degraded-window (default ${DEFAULT_DEGRADED_SHARE})`).argParser(shareOf),
    new Option('--degraded-window <seconds>', `window of the --degraded-share check (default ${DEFAULT_DEGRADED_WINDOW_MS / 1000})`).argParser(positiveSeconds),
    new Option('--verbose', 'log each routing decision (router, threshold, win rate, model) on stderr'),
    new Option('--log-prompts', 'include the routing text in the request log (off: prompts are never logged)'),
    new Option('--stream-usage', 'ask streaming upstreams for usage, to count tokens and cost (default)').hideHelp(),
    new Option('--no-stream-usage', "never add stream_options to a client's stream, for upstreams that reject the field; those streams' tokens and cost are then known only when the client asks for usage"),
  ];
}

/** Resolves flag -> environment -> config file -> default. Durations come in as seconds from flags. */
export function resolveGatewayOptions(
  flags: GatewayFlags,
  env: Readonly<Record<string, string | undefined>>,
  config: Pick<RoutellmConfig, 'gateway'>,
): GatewayOptions {
  const file = (config.gateway ?? EMPTY_GATEWAY_CONFIG).server;
  const ms = (seconds: number | undefined) => (seconds === undefined ? undefined : Math.round(seconds * 1000));
  const headersTimeoutMs = ms(flags.headersTimeout) ?? file.headersTimeoutMs ?? DEFAULT_SERVER_LIMITS.headersTimeoutMs;
  const requestTimeoutMs = ms(flags.requestTimeout) ?? file.requestTimeoutMs ?? DEFAULT_SERVER_LIMITS.requestTimeoutMs;
  return {
    authKeys: resolveAuthKeys(flags.authKey, env, file.authKeys),
    fallback: flags.fallback ?? file.fallback ?? true,
    timeoutMs: ms(flags.timeout) ?? file.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    ttfbTimeoutMs: ms(flags.ttfbTimeout) ?? file.ttfbTimeoutMs ?? DEFAULT_TTFB_TIMEOUT_MS,
    maxConcurrency: flags.maxConcurrency ?? file.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY,
    maxQueue: flags.maxQueue ?? file.maxQueue ?? DEFAULT_MAX_QUEUE,
    logPrompts: flags.logPrompts ?? file.logPrompts ?? false,
    streamUsage: flags.streamUsage ?? file.streamUsage ?? true,
    deadlineMs: ms(flags.deadline) ?? file.deadlineMs ?? DEFAULT_DEADLINE_MS,
    degradedShare: flags.degradedShare ?? file.degradedShare ?? DEFAULT_DEGRADED_SHARE,
    degradedWindowMs: ms(flags.degradedWindow) ?? file.degradedWindowMs ?? DEFAULT_DEGRADED_WINDOW_MS,
    verbose: flags.verbose ?? file.verbose ?? false,
    // Node requires headersTimeout <= requestTimeout.
    limits: { ...DEFAULT_SERVER_LIMITS, headersTimeoutMs: Math.min(headersTimeoutMs, requestTimeoutMs), requestTimeoutMs },
    prices: (config.gateway ?? EMPTY_GATEWAY_CONFIG).prices,
  };
}

function positiveSeconds(value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number <= 0 || number > MAX_DURATION_SECONDS) {
    throw new InvalidArgumentError(`expected a number of seconds above 0, at most ${MAX_DURATION_SECONDS} (a day)`);
  }
  return number;
}

function shareOf(value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number < 0 || number >= 1) throw new InvalidArgumentError('expected a share from 0 to below 1, e.g. 0.2');
  return number;
}

function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError('expected an integer of 1 or more');
  return number;
}

function nonNegativeInteger(value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isInteger(number) || number < 0) throw new InvalidArgumentError('expected an integer of 0 or more');
  return number;
}
