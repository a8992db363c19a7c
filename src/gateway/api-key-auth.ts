import { createHash, timingSafeEqual } from 'node:crypto';
import { ConfigError } from '../core/index.js';
import { RequestError } from '../server/request-error.js';

/** Paths that answer without a key, so load balancers and orchestrators can probe liveness. */
export const OPEN_PATHS: ReadonlySet<string> = new Set(['/health']);

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

/**
 * Checks `Authorization: Bearer <key>` against the configured keys in constant time.
 * Both sides are hashed to fixed-length SHA-256 digests first, so neither the key's
 * content nor its length shows in the timing, and every key is compared (no early exit).
 */
export class ApiKeyAuth {
  readonly #digests: readonly Buffer[];

  constructor(keys: readonly string[]) {
    this.#digests = keys.map(digest);
  }

  /** False when no key is configured: every request is let through. */
  get enabled(): boolean {
    return this.#digests.length > 0;
  }

  /** True when the header carries one of the keys (or auth is off). */
  allows(authorization: string | undefined): boolean {
    if (!this.enabled) return true;
    const presented = bearerToken(authorization);
    // Hash even a missing token so a request without a key costs what a wrong key costs.
    const candidate = digest(presented ?? '');
    let match = false;
    for (const known of this.#digests) match = timingSafeEqual(candidate, known) || match;
    return match && presented !== undefined;
  }

  /**
   * Throws an OpenAI-shaped 401 unless the request may pass. `/health` is always open.
   * The message never repeats the presented key.
   */
  check(path: string, authorization: string | undefined): void {
    if (!this.enabled || OPEN_PATHS.has(path)) return;
    if (this.allows(authorization)) return;
    const missing = bearerToken(authorization) === undefined;
    throw new RequestError(
      401,
      missing
        ? 'Missing API key: send the header "Authorization: Bearer <key>" with one of the keys given to `routellm serve --auth-key`.'
        : 'Incorrect API key provided: it is not one of the keys given to `routellm serve --auth-key`.',
      { type: 'invalid_request_error', code: 'invalid_api_key', headers: { 'www-authenticate': 'Bearer' } },
    );
  }
}

function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match?.[1];
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}
