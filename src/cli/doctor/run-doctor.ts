import { RoutellmError } from '../../core/index.js';
import type { DoctorFlags } from './doctor-command.js';
import type { CliIo } from '../io.js';
import { markReported } from '../reported-error.js';
import { runDoctorChecks } from './doctor-checks.js';

/** `routellm doctor`: one line per check on stdout (or one JSON document), exit 1 when any failed. */
export async function runDoctor(flags: DoctorFlags, io: CliIo): Promise<void> {
  const checks = await runDoctorChecks(flags, io);
  const failed = checks.filter((check) => check.status === 'fail');
  if (flags.json) {
    io.stdout.write(`${JSON.stringify({ ok: failed.length === 0, checks })}\n`);
  } else {
    const width = Math.max(...checks.map((check) => check.check.length));
    for (const check of checks) io.stdout.write(`${check.status.padEnd(4)}  ${check.check.padEnd(width)}  ${check.detail}\n`);
  }
  // The lines above said what is wrong; the exit code says that something is.
  if (failed.length > 0) throw markReported(new RoutellmError(`doctor: ${failed.length} problem(s)`));
}
