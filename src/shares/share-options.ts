import { dirname, isAbsolute, resolve } from 'node:path';
import { InvalidArgumentError, Option } from 'commander';
import { DEFAULT_SHARE_WINDOW, type ShareCalibrator } from '../core/index.js';
import type { RoutellmConfig } from '../config/load-config.js';
import { MAX_SHARE_WINDOW } from '../gateway/file-config.js';
import { FileShareState } from './file-share-state.js';
import { parseRedisUrl, RedisShareState } from './redis-share-state.js';
import type { RouterFingerprints, ShareStateLog, ShareStateStore } from './share-state-store.js';

/** `routellm serve` flags of live shares, as commander parses them. */
export interface ShareFlags {
  readonly shareWindow?: number;
  readonly shareState?: string;
}

/** Live shares' settings, resolved once at start-up: flag, then config file (`server:`), then default. */
export interface ShareOptions {
  /** Requests per window. */
  readonly window: number;
  /** A file path (absolute) or a redis:// URL; undefined keeps windows in memory only. */
  readonly state: string | undefined;
}

/** The flags, declared once so help and parsing agree. */
export function shareCliOptions(): Option[] {
  return [
    new Option('--share-window <n>', `requests per live share window: router-<r>-30% holds 30% of the last n requests (default ${DEFAULT_SHARE_WINDOW})`).argParser(
      windowSize,
    ),
    new Option('--share-state <file|redis-url>', 'keep live share windows across restarts in FILE, or share them between replicas in redis://host:port/db'),
  ];
}

/** Flag, then the config file's `server.share_window` / `server.share_state` (a relative path there is the file's), then default. */
export function resolveShareOptions(flags: ShareFlags, config: Pick<RoutellmConfig, 'gateway' | 'path'>, cwd: string): ShareOptions {
  const file = config.gateway?.server ?? {};
  let state = flags.shareState ?? file.shareState;
  if (state !== undefined && !isRedis(state) && !isAbsolute(state)) {
    const base = flags.shareState === undefined && config.path !== undefined ? dirname(resolve(cwd, config.path)) : cwd;
    state = resolve(base, state);
  }
  if (state !== undefined && isRedis(state)) parseRedisUrl(state);
  return { window: flags.shareWindow ?? file.shareWindow ?? DEFAULT_SHARE_WINDOW, state };
}

/** Whether live shares are shared through Redis (the calibrator must then keep unsent requests). */
export function sharesThroughRedis(options: ShareOptions): boolean {
  return options.state !== undefined && isRedis(options.state);
}

/** The store for `options.state`, or undefined when windows stay in memory. */
export function shareStateStore(options: ShareOptions, calibrator: ShareCalibrator, deps: { fingerprints: RouterFingerprints; log: ShareStateLog }): ShareStateStore | undefined {
  if (options.state === undefined) return undefined;
  if (isRedis(options.state)) return new RedisShareState(parseRedisUrl(options.state), calibrator, { log: deps.log });
  return new FileShareState(options.state, calibrator, deps);
}

function isRedis(state: string): boolean {
  return /^rediss?:\/\//i.test(state);
}

function windowSize(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > MAX_SHARE_WINDOW) throw new InvalidArgumentError(`expected an integer from 1 to ${MAX_SHARE_WINDOW}`);
  return number;
}
