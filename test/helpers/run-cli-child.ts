import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Path of the built executable; `npm test` builds before running vitest. */
export const BIN = fileURLToPath(new URL('../../bin/routellm.js', import.meta.url));

/** Runs `node bin/routellm.js ...` as a child process and collects its output; `stdin` as UTF-8 text or bytes. */
export function runCliChild(
  argv: readonly string[],
  options: { stdin?: string | Uint8Array; env?: Record<string, string | undefined>; cwd?: string } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runChild(process.execPath, [BIN, ...argv], { ...options, env: { ...process.env, ...options.env } });
}

/** Runs `command` with exactly the environment `env` and collects its output; `stdin` as UTF-8 text or bytes. */
export function runChild(
  command: string,
  args: readonly string[],
  options: { stdin?: string | Uint8Array; env: Record<string, string | undefined>; cwd?: string | undefined },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

/**
 * Runs `node bin/routellm.js ...` (under CI, so progress is plain lines), sends it SIGINT `delayMs`
 * after its stderr first contains `when`, and resolves with its exit code, stderr and how long it
 * took to exit after the signal.
 */
export async function interruptCliChild(
  argv: readonly string[],
  options: { when: string; delayMs: number; cwd?: string },
): Promise<{ code: number | null; stderr: string; exitMs: number }> {
  const child = spawn(process.execPath, [BIN, ...argv], { cwd: options.cwd, env: { ...process.env, CI: 'true' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  await new Promise<void>((resolve) => child.stderr.on('data', () => stderr.includes(options.when) && resolve()));
  await new Promise((resolve) => setTimeout(resolve, options.delayMs));
  const sent = Date.now();
  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stderr, exitMs: Date.now() - sent };
}
