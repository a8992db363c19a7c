import { PassThrough } from 'node:stream';
import { runCli } from '../../src/cli/program.js';

/** A `routellm serve` running in this process, as the CLI runs it. */
export interface ServeInProcess {
  /** The "routellm listening on ..." line's match of LISTENING below. */
  readonly listening: RegExpExecArray;
  /** Everything written to stderr so far (start-up lines, warnings, request log). */
  log(): string;
  /** Aborts the CLI's signal (as SIGINT does) and returns its exit code. */
  stop(): Promise<number>;
}

export const LISTENING = /routellm listening on (http:\/\/[^ ]+:(\d+)) \(routers: ([^;]+); strong: ([^;]+); weak: ([^)]+)\)/;

/**
 * Starts `routellm serve ARGS` through runCli with its own stderr and signal, and resolves
 * once it listens. A start that fails (exit code instead of a listening line) rejects with stderr.
 */
export async function startServeInProcess(args: readonly string[], options: { env?: Record<string, string>; cwd: string }): Promise<ServeInProcess> {
  const stop = new AbortController();
  const stderr = new PassThrough();
  let log = '';
  const listening = new Promise<RegExpExecArray>((resolve) => {
    stderr.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      const match = LISTENING.exec(log);
      if (match) resolve(match);
    });
  });
  const exit = runCli(['serve', ...args], {
    stdin: new PassThrough(),
    stdout: new PassThrough(),
    stderr,
    env: options.env ?? {},
    cwd: options.cwd,
    fetch: globalThis.fetch,
    signal: stop.signal,
  });
  const started = await Promise.race([listening, exit.then((code) => new Error(`serve exited ${code} before listening: ${log}`))]);
  if (started instanceof Error) throw started;
  return {
    listening: started,
    log: () => log,
    stop: () => {
      stop.abort();
      return exit;
    },
  };
}
