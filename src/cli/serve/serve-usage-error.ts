import { createServeLog, LOG_FORMATS, resolveLogFormat, type LogFormat } from '../../server/observe/serve-log.js';
import type { CliIo } from '../io.js';

/**
 * Says a usage error of `serve`'s flags (one that commander found before serve ran) through
 * serve's own logger, as every other start-up failure: a JSON shipper reading serve's stderr sees
 * one JSON line, not plain text. The format is the one serve would have used: a valid
 * `--log-format` among the arguments, else ROUTELLM_LOG_FORMAT, else pretty on a terminal.
 */
export async function reportServeUsageError(line: string, argv: readonly string[], io: CliIo): Promise<void> {
  const log = await createServeLog({ format: logFormatOf(argv, io), stderr: io.stderr });
  log.logger.error(line);
  log.flush();
}

function logFormatOf(argv: readonly string[], io: CliIo): LogFormat {
  let flag: string | undefined;
  argv.forEach((arg, index) => {
    const value = arg.startsWith('--log-format=') ? arg.slice('--log-format='.length) : arg === '--log-format' ? argv[index + 1] : undefined;
    if (value !== undefined && LOG_FORMATS.includes(value as LogFormat)) flag = value;
  });
  try {
    return resolveLogFormat(flag, io.env, io.stderr.isTTY === true);
  } catch {
    // A bad ROUTELLM_LOG_FORMAT: the default, since this line is about the flags.
    return resolveLogFormat(undefined, {}, io.stderr.isTTY === true);
  }
}
