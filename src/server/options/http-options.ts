import { ConfigError } from '../../core/index.js';
import type { RoutellmConfig } from '../../config/load-config.js';
import { secondsSetting } from './chat-options.js';

/** Limits on what a client may make the server hold, against slow or abusive clients. */
export interface ServerLimits {
  /** ms a client has to send its request headers (slowloris). */
  readonly headersTimeoutMs: number;
  /** ms a client has to send its whole request, headers and body. */
  readonly requestTimeoutMs: number;
  /** ms an idle keep-alive connection is kept. */
  readonly keepAliveTimeoutMs: number;
  /** Bytes of request headers accepted (431 past it). */
  readonly maxHeaderBytes: number;
  /** Request headers accepted (431 past it). */
  readonly maxHeaderCount: number;
}

export const DEFAULT_SERVER_LIMITS: ServerLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 5_000,
  maxHeaderBytes: 16 * 1024,
  maxHeaderCount: 100,
};

/** What only the HTTP server has, as asked for by serve's flags: client keys and the slow-client limits. */
export interface HttpSettings {
  /** `--auth-key KEY...`: the keys clients must send as `Authorization: Bearer`. */
  readonly authKey?: readonly string[] | undefined;
  /** Seconds a client has to send its headers (`--headers-timeout`; default 10). */
  readonly headersTimeout?: number | undefined;
  /** Seconds a client has to send its whole request (`--request-timeout`; default 60). */
  readonly requestTimeout?: number | undefined;
}

/** The HTTP server's own settings, resolved once at start-up. */
export interface HttpOptions {
  readonly authKeys: readonly string[];
  readonly limits: ServerLimits;
}

export const DEFAULT_HTTP_OPTIONS: HttpOptions = { authKeys: [], limits: DEFAULT_SERVER_LIMITS };

/** Resolves setting -> environment (ROUTELLM_AUTH_KEYS) -> config file `server:` -> default. */
export function resolveHttpOptions(settings: HttpSettings, env: Readonly<Record<string, string | undefined>>, config: Pick<RoutellmConfig, 'server'>): HttpOptions {
  const file = config.server ?? {};
  const headersTimeoutMs = secondsSetting('headersTimeout', settings.headersTimeout) ?? file.headersTimeoutMs ?? DEFAULT_SERVER_LIMITS.headersTimeoutMs;
  const requestTimeoutMs = secondsSetting('requestTimeout', settings.requestTimeout) ?? file.requestTimeoutMs ?? DEFAULT_SERVER_LIMITS.requestTimeoutMs;
  return {
    authKeys: resolveAuthKeys(settings.authKey, env, file.authKeys),
    // Node requires headersTimeout <= requestTimeout.
    limits: { ...DEFAULT_SERVER_LIMITS, headersTimeoutMs: Math.min(headersTimeoutMs, requestTimeoutMs), requestTimeoutMs },
  };
}

/**
 * Client keys for `Authorization: Bearer <key>`: the `--auth-key` flags, else the
 * comma-separated ROUTELLM_AUTH_KEYS, else the config file's `server.auth_keys`.
 * Empty entries are dropped; keys with whitespace are refused (they cannot travel in a header).
 */
export function resolveAuthKeys(
  flagKeys: readonly string[] | undefined,
  env: Readonly<Record<string, string | undefined>>,
  /** The config file's `auth_keys`; undefined when the file has none. */
  configKeys?: readonly string[],
): string[] {
  const envKeys = env['ROUTELLM_AUTH_KEYS'];
  const [source, chosen, without] =
    flagKeys !== undefined && flagKeys.length > 0
      ? ['--auth-key', flagKeys, 'drop --auth-key']
      : envKeys !== undefined
        ? ['ROUTELLM_AUTH_KEYS', envKeys.split(','), `unset ROUTELLM_AUTH_KEYS (then ${configKeys === undefined ? 'auth is off' : "the config file's auth_keys apply"})`]
        : ["the config file's auth_keys", configKeys, 'remove auth_keys to run without auth'];
  if (chosen === undefined) return [];
  const keys = chosen.map((key) => key.trim()).filter((key) => key !== '');
  // Asked for auth but left with no key (an empty secret, a stray comma): refusing to start beats
  // serving everyone with the upstream key. An empty variable counts as asked: a missing secret
  // rendered into the environment must not open the gateway.
  if (keys.length === 0) {
    throw new ConfigError(`${source} is set but holds no key, so auth would be off; give at least one key, or ${without}`);
  }
  for (const key of keys) {
    if (/\s/.test(key)) throw new ConfigError('an auth key contains whitespace; use keys of printable characters without spaces');
  }
  return [...new Set(keys)];
}
