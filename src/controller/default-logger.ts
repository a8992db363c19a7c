import type { Logger } from './controller-options.js';

/** The Controller's logger unless given one: each warning as one `routellm: ...` line on stderr; info lines dropped. */
export const STDERR_WARNINGS: Logger = {
  info() {},
  warn(_fields, message) {
    process.stderr.write(`routellm: ${message}\n`);
  },
};
