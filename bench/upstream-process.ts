import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startUpstreamServer } from '../test/helpers/upstream-server.js';

/** The upstream test server in a process of its own, so a bench's CPU figures are its client's alone. */
export interface UpstreamProcess {
  readonly child: ChildProcess;
  readonly baseURL: string;
  close(): void;
}

/** Starts this file as a child process serving the upstream test server on 127.0.0.1 (requests not recorded). */
export async function spawnUpstreamProcess(): Promise<UpstreamProcess> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url)], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (text: string) => {
        const match = /PORT (\d+)/.exec(text);
        if (match) resolve(Number(match[1]));
      });
      child.on('exit', (code) => reject(new Error(`the upstream process exited ${code}`)));
    });
    return { child, baseURL: `http://127.0.0.1:${port}/v1`, close: () => child.kill('SIGTERM') };
  } catch (error) {
    child.kill('SIGTERM');
    throw error;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const upstream = await startUpstreamServer({ record: false });
  process.stdout.write(`PORT ${new URL(upstream.baseURL).port}\n`);
  process.on('SIGTERM', () => process.exit(0));
}
