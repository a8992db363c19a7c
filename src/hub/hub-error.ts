import { ConfigError } from '../core/index.js';

/**
 * The hub could not give a file a router's options name: offline without a cached copy, a
 * repo or file it does not have, a token it refuses, a download cut short or corrupted. Always
 * one line saying what to do; a configuration problem for the user to fix (exit 2).
 */
export class HubError extends ConfigError {
  override readonly name: string = 'HubError';
}
