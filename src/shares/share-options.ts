import { dirname, isAbsolute, resolve } from 'node:path';
import { ConfigError, DEFAULT_SHARE_WINDOW, type ShareCalibrator } from '../core/index.js';
import { MAX_SHARE_WINDOW } from '../config/config-sections.js';
import type { RoutellmConfig } from '../config/load-config.js';
import { ClusterShareState } from './cluster-share-state.js';
import { FileShareState } from './file-share-state.js';
import { parseRedisUrl, RedisShareState } from './redis-share-state.js';
import type { ShareChannel } from './share-channel.js';
import type { RouterFingerprints, ShareStateLog, ShareStateStore } from './share-state-store.js';

/** Live shares as asked for (serve's `--share-window`/`--share-state`, the Controller's options of the same names). */
export interface ShareSettings {
  /** Requests per live share window (1-10,000; default 200). */
  readonly shareWindow?: number | undefined;
  /** Where windows are kept: a file path or `redis://host:port/db`; in memory when absent. */
  readonly shareState?: string | undefined;
}

/** Live shares' settings, resolved once at start-up: flag, then config file (`server:`), then default. */
export interface ShareOptions {
  /** Requests per window. */
  readonly window: number;
  /** A file path (absolute) or a redis:// URL; undefined keeps windows in memory only. */
  readonly state: string | undefined;
}

/** Flag, then the config file's `server.share_window` / `server.share_state` (a relative path there is the file's), then default. */
export function resolveShareOptions(flags: ShareSettings, config: Pick<RoutellmConfig, 'server' | 'path'>, cwd: string): ShareOptions {
  const file = config.server ?? {};
  const window = flags.shareWindow;
  if (window !== undefined && !(Number.isInteger(window) && window >= 1 && window <= MAX_SHARE_WINDOW)) {
    throw new ConfigError(`shareWindow must be an integer from 1 to ${MAX_SHARE_WINDOW}, got ${window}`);
  }
  let state = flags.shareState ?? file.shareState;
  if (state !== undefined && !isRedis(state) && !isAbsolute(state)) {
    const base = flags.shareState === undefined && config.path !== undefined ? dirname(resolve(cwd, config.path)) : cwd;
    state = resolve(base, state);
  }
  if (state !== undefined && isRedis(state)) parseRedisUrl(state);
  return { window: flags.shareWindow ?? file.shareWindow ?? DEFAULT_SHARE_WINDOW, state };
}

/**
 * Whether live shares are shared beyond this process, through Redis or (a `serve --workers N`
 * worker) the primary: the calibrator must then keep unsent requests.
 */
export function sharesBeyondProcess(options: ShareOptions, channel?: ShareChannel): boolean {
  return (options.state !== undefined && isRedis(options.state)) || channel !== undefined;
}

/**
 * The store for `options.state`, or undefined when windows stay in memory. Redis is shared
 * directly, by workers as by replicas; otherwise a worker (`channel`) shares through the
 * primary, which also keeps the file.
 */
export function shareStateStore(
  options: ShareOptions,
  calibrator: ShareCalibrator,
  deps: { fingerprints: RouterFingerprints; log: ShareStateLog; channel?: ShareChannel | undefined; overList?: boolean | undefined },
): ShareStateStore | undefined {
  if (options.state !== undefined && isRedis(options.state)) return new RedisShareState(parseRedisUrl(options.state), calibrator, { log: deps.log, fingerprints: deps.fingerprints });
  if (deps.channel) return new ClusterShareState(deps.channel, calibrator, { log: deps.log });
  if (options.state === undefined) return undefined;
  return new FileShareState(options.state, calibrator, deps);
}

function isRedis(state: string): boolean {
  return /^rediss?:\/\//i.test(state);
}
