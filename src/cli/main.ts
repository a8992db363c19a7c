import { getEventListeners } from 'node:events';
import { runCli } from './program.js';

/** Exit codes for a process ended by a signal, as shells report them. */
const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

/**
 * Entry point for bin/: the real process streams; the exit code comes back as a number.
 * On SIGINT/SIGTERM the io signal aborts: commands that listen to it (serve drains, eval
 * saves its cache) finish their own way; when none listens, the process ends at once with
 * 130/143 rather than ignoring Ctrl-C. A second signal always ends it. A command that
 * stops on the signal with a failure exits 130/143 too, as the shell expects of Ctrl-C.
 */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  const controller = new AbortController();
  let interrupted: number | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    const code = SIGNAL_EXIT[signal] ?? 1;
    if (interrupted !== undefined || getEventListeners(controller.signal, 'abort').length === 0) process.exit(code);
    interrupted = code;
    controller.abort(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const code = await runCli(argv, {
      stdin: process.stdin,
      stdout: process.stdout,
      stderr: process.stderr,
      env: process.env,
      cwd: process.cwd(),
      fetch: globalThis.fetch,
      signal: controller.signal,
      onHangup: (listener) => {
        process.on('SIGHUP', listener);
        return () => process.off('SIGHUP', listener);
      },
    });
    // serve drains and exits 0 on a signal; a command cut short by it reports the signal.
    return interrupted !== undefined && code !== 0 ? interrupted : code;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
