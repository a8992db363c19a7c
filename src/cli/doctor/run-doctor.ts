import { ConfigError, RoutellmError } from '../../core/index.js';
import type { DoctorFlags } from './doctor-command.js';
import type { CliIo } from '../io.js';
import { markReported } from '../reported-error.js';
import { outputColumns } from '../terminal.js';
import { wrapWords } from '../../runtime/wrap-text.js';
import { runDoctorChecks } from './doctor-checks.js';

/** Narrowest detail column worth keeping beside the checks' names; below it each detail goes under its name. */
const MIN_DETAIL_COLUMNS = 40;
const DETAIL_UNDER = '      ';

/**
 * `routellm doctor`: one entry per check on stdout, its detail wrapped to the terminal's width
 * (80 columns when piped) under its own column, or one JSON document; exit 2 when the config file
 * does not load, its models are invalid or --base-url is no URL (serve would refuse them with exit 2),
 * else 1 when any check failed.
 */
export async function runDoctor(flags: DoctorFlags, io: CliIo): Promise<void> {
  const { checks, badConfig } = await runDoctorChecks(flags, io);
  const failed = checks.filter((check) => check.status === 'fail');
  if (flags.json) {
    io.stdout.write(`${JSON.stringify({ ok: failed.length === 0, checks })}\n`);
  } else {
    const columns = outputColumns(io.stdout, io.env);
    const width = Math.max(...checks.map((check) => check.check.length));
    const beside = columns - (4 + 2 + width + 2) >= MIN_DETAIL_COLUMNS;
    for (const check of checks) {
      const head = `${check.status.padEnd(4)}  ${check.check.padEnd(beside ? width : 0)}  `;
      const words = check.detail.split(' ');
      const lines = beside
        ? wrapWords(words, columns, { first: head, rest: ' '.repeat(head.length) })
        : [head.trimEnd(), ...wrapWords(words, columns, { first: DETAIL_UNDER, rest: DETAIL_UNDER })];
      io.stdout.write(`${lines.join('\n')}\n`);
    }
  }
  // The lines above said what is wrong; the exit code says that something is.
  if (badConfig) throw markReported(new ConfigError(`doctor: ${failed.length} problem(s), the configuration among them`));
  if (failed.length > 0) throw markReported(new RoutellmError(`doctor: ${failed.length} problem(s)`));
}
