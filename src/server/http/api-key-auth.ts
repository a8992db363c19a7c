import { createHash, timingSafeEqual } from 'node:crypto';
import { RequestError } from '../errors/request-error.js';

/** Paths that answer without a key, so load balancers and orchestrators can probe liveness. */
export const OPEN_PATHS: ReadonlySet<string> = new Set(['/health']);

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
