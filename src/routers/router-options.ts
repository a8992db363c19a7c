import { ConfigError, type RouterOptions } from '../core/index.js';

// Lives in the core so the core's own routers (random) check their options the same way.
export { rejectUnknownOptions } from '../core/index.js';

/** A non-empty string option, or undefined when it is not given. */
export function stringOption(router: string, options: RouterOptions, key: string): string | undefined {
  const value = options[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) throw new ConfigError(`${router}: option "${key}" must be a non-empty string`);
  return value;
}
