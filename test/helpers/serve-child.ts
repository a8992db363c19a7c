import { spawn, type ChildProcess } from 'node:child_process';
import { BIN } from './run-cli-child.js';

/** A `routellm serve` child process: its URL once listening, its stderr so far, and a way to stop it. */
export interface ServeChild {
  readonly child: ChildProcess;
  readonly url: string;
  stderr(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `node bin/routellm.js serve ...` (CI, JSON logs) and resolves once it says where it listens; rejects if it exits first. */
export async function startServeChild(args: readonly string[], options: { cwd: string; env?: Record<string, string | undefined> }): Promise<ServeChild> {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], {
    cwd: options.cwd,
    env: { ...process.env, CI: 'true', ROUTELLM_LOG_FORMAT: 'json', ...options.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
      const match = /routellm listening on (http:\/\/[^ ]+) /.exec(stderr);
      if (match) resolve(match[1] as string);
    });
    void exited.then((code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
  });
  return {
    child,
    url,
    stderr: () => stderr,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}
