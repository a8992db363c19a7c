import type { Writable } from 'node:stream';
import { ConfigError } from '../../core/index.js';
import { RequestLog } from './request-log.js';

/** How `serve` writes stderr: pino's JSON lines, or pino-pretty's lines for a person at a terminal. */
export type LogFormat = 'json' | 'pretty';

export const LOG_FORMATS: readonly LogFormat[] = ['json', 'pretty'];

/**
 * `--log-format`, then ROUTELLM_LOG_FORMAT, then pretty on a terminal and JSON otherwise (a log
 * shipper reading a pipe gets one JSON object a line, start-up and shutdown included).
 */
export function resolveLogFormat(flag: string | undefined, env: Readonly<Record<string, string | undefined>>, stderrIsTTY: boolean): LogFormat {
  const given = flag ?? (env['ROUTELLM_LOG_FORMAT'] || undefined);
  if (given === undefined) return stderrIsTTY ? 'pretty' : 'json';
  if (!LOG_FORMATS.includes(given as LogFormat)) {
    throw new ConfigError(`${flag === undefined ? 'ROUTELLM_LOG_FORMAT' : '--log-format'}: "${given}" is not a log format; use json or pretty`);
  }
  return given as LogFormat;
}

/**
 * The one logger of `serve`: every stderr line (start-up, warnings, the request lines, fallbacks,
 * shutdown, a fatal error) goes through it. JSON goes to the process's stderr through pino's
 * asynchronous bounded writer (or straight to an injected stream); pretty through pino-pretty,
 * loaded only then.
 */
export async function createServeLog(options: { format: LogFormat; stderr: Writable & { hasColors?: () => boolean }; logPrompts?: boolean; worker?: number }): Promise<RequestLog> {
  const real = options.stderr === process.stderr;
  if (options.format === 'json') {
    return new RequestLog({ logPrompts: options.logPrompts ?? false, worker: options.worker, ...(real ? {} : { destination: options.stderr as never }) });
  }
  const { default: pretty } = await import('pino-pretty');
  const destination = pretty({
    destination: real ? 2 : options.stderr,
    colorize: options.stderr.hasColors?.() ?? false,
    sync: !real,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
  });
  return new RequestLog({ logPrompts: options.logPrompts ?? false, destination, holdLines: real, worker: options.worker });
}
