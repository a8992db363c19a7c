import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './free-port.js';

/** A real `redis-server` on 127.0.0.1, spawned by a test (installed by .ci/run). */
export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>/<db>`. */
  url(db?: number): string;
  /** SIGKILL: gone at once, as a crashed Redis is. */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty (no persistence). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const launch = () =>
    new Promise<void>((resolve, reject) => {
      const process = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
      child = process;
      let output = '';
      process.on('error', (error) => reject(new Error(`cannot start redis-server (${error.message}); .ci/run installs the Debian package redis-server`)));
      process.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) resolve();
      });
      process.on('exit', (code) => reject(new Error(`redis-server exited ${code}: ${output}`)));
    });
  const exited = () =>
    new Promise<void>((resolve) => {
      if (!child || child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
  await launch();
  return {
    port,
    url: (db = 0) => `redis://127.0.0.1:${port}/${db}`,
    kill: async () => {
      const done = exited();
      child?.kill('SIGKILL');
      await done;
    },
    restart: launch,
    stop: async () => {
      const done = exited();
      child?.kill('SIGTERM');
      await done;
    },
  };
}
