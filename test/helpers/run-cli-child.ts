import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Path of the built executable; `npm test` builds before running vitest. */
export const BIN = fileURLToPath(new URL('../../bin/routellm.js', import.meta.url));

/** Runs `node bin/routellm.js ...` as a child process and collects its output; `stdin` as UTF-8 text or bytes. */
export function runCliChild(
  argv: readonly string[],
  options: { stdin?: string | Uint8Array; env?: Record<string, string | undefined>; cwd?: string } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...argv], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}
