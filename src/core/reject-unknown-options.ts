import { ConfigError } from './errors.js';
import type { RouterOptions } from './registry.js';

/**
 * Throws a ConfigError naming the first option `router` does not know, and the ones it does:
 * a misspelt option (`sede: 42`) must not be silently ignored.
 */
export function rejectUnknownOptions(router: string, options: RouterOptions, known: readonly string[], hint = ''): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new ConfigError(`${router}: unknown option "${key}"; known options: ${known.join(', ')}${hint}`);
  }
}
