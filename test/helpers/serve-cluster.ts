import { spawn, type ChildProcess } from 'node:child_process';
import { BIN } from './run-cli-child.js';
import { LISTENING } from './serve-in-process.js';

/** A `routellm serve --workers N` child process and its stderr. */
export interface Cluster {
  readonly child: ChildProcess;
  readonly url: string;
  log(): string;
  readonly exited: Promise<number | null>;
  /** Resolves once stderr matches `pattern` (checked on every write). */
  waitFor(pattern: RegExp): Promise<RegExpExecArray>;
}

export async function startCluster(args: readonly string[]): Promise<Cluster> {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, OPENAI_API_KEY: '' } });
  let stderr = '';
  const watchers: { pattern: RegExp; resolve: (match: RegExpExecArray) => void }[] = [];
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
    for (const watcher of [...watchers]) {
      const match = watcher.pattern.exec(stderr);
      if (match) {
        watchers.splice(watchers.indexOf(watcher), 1);
        watcher.resolve(match);
      }
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const waitFor = (pattern: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const match = pattern.exec(stderr);
      if (match) return resolve(match);
      watchers.push({ pattern, resolve });
      void exited.then(() => reject(new Error(`serve exited before ${pattern}: ${stderr}`)));
    });
  await waitFor(/workers serving on/);
  // Each worker's own "listening" line may reach stderr after the primary's.
  const workers = Number(args[args.indexOf('--workers') + 1]);
  while (workerPids(stderr).size < workers) await new Promise((resolve) => setTimeout(resolve, 20));
  const url = (LISTENING.exec(stderr) as RegExpExecArray)[1] as string;
  return { child, url, log: () => stderr, exited, waitFor };
}

/** Pids of the workers that said they listen, by worker number (a restarted one replaces its entry). */
export function workerPids(log: string): Map<number, number> {
  const pids = new Map<number, number>();
  for (const line of log.split('\n')) {
    if (!line.startsWith('{')) continue;
    const entry = JSON.parse(line) as { msg?: string; worker?: number; pid?: number };
    if (entry.msg?.startsWith('routellm listening on') && entry.worker !== undefined && entry.pid !== undefined) pids.set(entry.worker, entry.pid);
  }
  return pids;
}
