import { PassThrough, Readable } from 'node:stream';
import { runCli } from '../../src/cli/program.js';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the CLI in this process with in-memory streams. `stdin` undefined means an
 * interactive terminal (isTTY), a string (sent as UTF-8) or bytes mean piped input.
 */
export async function runCliInProcess(
  argv: readonly string[],
  options: { stdin?: string | Uint8Array; env?: Record<string, string | undefined>; cwd?: string } = {},
): Promise<CliResult> {
  const stdin =
    options.stdin === undefined
      ? Object.assign(new PassThrough(), { isTTY: true as const })
      : Readable.from([Buffer.from(options.stdin)]);
  const stdout = collect();
  const stderr = collect();
  const code = await runCli(argv, {
    stdin,
    stdout: stdout.stream,
    stderr: stderr.stream,
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    fetch: globalThis.fetch,
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

function collect() {
  const chunks: Buffer[] = [];
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}
