import { InvalidArgumentError, Option } from 'commander';
import { DEFAULT_SHARE_WINDOW } from '../../core/index.js';
import { MAX_DURATION_SECONDS, MAX_SHARE_WINDOW } from '../../config/config-sections.js';
import type { ControllerSettings } from '../../controller/controller-options.js';
import { DEFAULT_DEGRADED_SHARE, DEFAULT_DEGRADED_WINDOW_MS } from '../../server/policy/routing-health.js';
import { DEFAULT_DEADLINE_MS, DEFAULT_TTFB_TIMEOUT_MS } from '../../server/policy/upstream-deadline.js';
import { DEFAULT_MAX_CONCURRENCY, DEFAULT_MAX_QUEUE } from '../../server/options/chat-options.js';
import { DEFAULT_SERVER_LIMITS, type HttpSettings } from '../../server/options/http-options.js';
import { DEFAULT_SAMPLE_RATE, type SampleSettings } from '../../server/options/sample-options.js';

/**
 * Flags of `routellm serve`, as commander parses them: the Controller's options (the same names,
 * camel-cased), the HTTP server's own, and where it listens. `fallback` and `streamUsage` stay
 * undefined unless `--[no-]fallback` / `--[no-]stream-usage` was given, so the config file can decide.
 */
export interface ServeFlags extends Omit<ControllerSettings, 'routers' | 'baseURL' | 'prices' | 'providers' | 'config'>, HttpSettings, SampleSettings {
  readonly routers?: string[] | undefined;
  readonly config?: string;
  /** `--base-url` (commander's camel case of it; the Controller's option is `baseURL`). */
  readonly baseUrl?: string;
  /** RouteLLM's `--alt-base-url` / `--alt-api-key`: folded into baseUrl / apiKey before anything reads them. */
  readonly altBaseUrl?: string;
  readonly altApiKey?: string;
  /** undefined unless given, so the config file's `server.port` can decide. */
  readonly port?: string;
  readonly host?: string;
  readonly maxBody: string;
  /** `--log-format`: json or pretty (default: pretty on a terminal, json otherwise). */
  readonly logFormat?: string;
  /** False with `--no-probe`: skip reading each upstream's model list at start-up. */
  readonly probe?: boolean;
  readonly authKey?: string[];
  /** `--workers`: server processes sharing the port (node:cluster); undefined or "1" serves from this process. */
  readonly workers?: string;
}

/** serve's flags of the chat pipeline, the HTTP server and live shares, declared once so help and parsing agree. */
export function serveSettingOptions(): Option[] {
  return [
    new Option('--auth-key <key...>', 'require "Authorization: Bearer <key>" with one of these keys (env ROUTELLM_AUTH_KEYS, comma-separated); /health stays open'),
    new Option('--fallback', 'retry on the other model when the routed one fails before its first byte (default)').hideHelp(),
    new Option('--no-fallback', 'never retry a failed request on the other model'),
    new Option('--deadline <seconds>', `budget of a whole request: queue wait, every upstream attempt and the fallback (default ${DEFAULT_DEADLINE_MS / 1000}, under the OpenAI SDK's own 600)`).argParser(positiveSeconds),
    new Option('--timeout <seconds>', `budget of each upstream attempt, streams included, within --deadline (default: --deadline's, ${DEFAULT_DEADLINE_MS / 1000}; the fallback's room is kept by the first-byte rule)`).argParser(positiveSeconds),
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
    new Option('--share-window <n>', `requests per live share window: router-<r>-30% holds 30% of the last n requests (default ${DEFAULT_SHARE_WINDOW})`).argParser(windowSize),
    new Option('--share-state <file|redis-url>', 'keep live share windows across restarts in FILE, or share them between replicas in redis://host:port/db'),
    new Option('--sample-prompts <file>', "append a random share of routed prompts to FILE as JSONL, for routellm label (off by default; stores users' prompts: docs/learn-from-traffic.md)"),
    new Option('--sample-rate <share>', `share of routed requests --sample-prompts keeps, from 0 to 1 (default ${DEFAULT_SAMPLE_RATE})`).argParser(rateOf),
    new Option('--sample-fields <fields>', 'request body fields kept with each sampled prompt, comma-separated (e.g. user,metadata; none by default)').argParser((value: string) => value.split(',')),
    new Option('--sample-max-size <bytes>', 'rotate the --sample-prompts file past this size (suffixes k, m, g; default 100m; 5 old files kept)'),
  ];
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

function rateOf(value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number < 0 || number > 1) throw new InvalidArgumentError('expected a share from 0 to 1, e.g. 0.01 for 1%');
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

function windowSize(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > MAX_SHARE_WINDOW) throw new InvalidArgumentError(`expected an integer from 1 to ${MAX_SHARE_WINDOW}`);
  return number;
}
