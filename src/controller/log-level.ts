import { ConfigError } from '../core/index.js';
import type { Logger } from './controller-options.js';

/**
 * Which of the Controller's lines reach its logger, as openai-node's `logLevel` (and `OPENAI_LOG`):
 * `off` none; `error` none either (the Controller reports errors by throwing them, never as log lines);
 * `warn` warnings (a fallback, routing degraded, a config key no router reads, a model without a price);
 * `info` and `debug` warnings and info lines too (with `verbose`, each routing decision; share state loaded).
 */
export type LogLevel = 'off' | 'error' | 'warn' | 'info' | 'debug';

const LEVELS: readonly LogLevel[] = ['off', 'error', 'warn', 'info', 'debug'];

/**
 * The level in force: the option, else `ROUTELLM_LOG`, else `warn` (`info` with `verbose`, which
 * asks for the info line of each decision). A value that is no level is a ConfigError naming it.
 */
export function resolveLogLevel(given: string | undefined, env: Readonly<Record<string, string | undefined>>, verbose: boolean | undefined): LogLevel {
  const fromEnv = env['ROUTELLM_LOG'];
  const [value, source] = given !== undefined ? [given, 'logLevel'] : fromEnv !== undefined && fromEnv !== '' ? [fromEnv, 'ROUTELLM_LOG'] : [undefined, ''];
  if (value === undefined) return verbose ? 'info' : 'warn';
  const level = value.toLowerCase();
  if (!isLogLevel(level)) throw new ConfigError(`${source} "${value}" is not a log level; use one of ${LEVELS.join(', ')}`);
  return level;
}

/** `logger` passing on only the lines `level` lets through. */
export function leveledLogger(logger: Logger, level: LogLevel): Logger {
  const warns = level === 'warn' || level === 'info' || level === 'debug';
  const infos = level === 'info' || level === 'debug';
  if (warns && infos) return logger;
  return {
    info: infos ? (fields, message) => logger.info(fields, message) : () => {},
    warn: warns ? (fields, message) => logger.warn(fields, message) : () => {},
  };
}

function isLogLevel(value: string): value is LogLevel {
  return (LEVELS as readonly string[]).includes(value);
}
