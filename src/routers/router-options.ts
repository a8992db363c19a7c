import { ConfigError, type RouterOptions } from '../core/index.js';

/** Throws a ConfigError naming the first option `router` does not know, and the ones it does. */
export function rejectUnknownOptions(router: string, options: RouterOptions, known: readonly string[], hint = ''): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new ConfigError(`${router}: unknown option "${key}"; known options: ${known.join(', ')}${hint}`);
  }
}

/** A non-empty string option, or undefined when it is not given. */
export function stringOption(router: string, options: RouterOptions, key: string): string | undefined {
  const value = options[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) throw new ConfigError(`${router}: option "${key}" must be a non-empty string`);
  return value;
}
