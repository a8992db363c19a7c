import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * The one percentile rule of every bench: nearest rank. Of `sorted` (ascending), the smallest sample
 * with at least a share `q` (0..1) of the samples at or below it: index ceil(q * n) - 1, so p50 of an
 * even count is the lower of the two middle samples and p99 of 800 samples is the 792nd. No
 * interpolation: every figure is a time that was measured. NaN when there are no samples.
 */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

/** The median by the same rule (`percentile(…, 0.5)`: the lower middle sample of an even count); `values` in any order. */
export function median(values: readonly number[]): number {
  return percentile([...values].sort((a, b) => a - b), 0.5);
}

/** A TCP port free on 127.0.0.1 now (for a child that takes `--port`; another process may take it meanwhile). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Spawns `node args…` and resolves with the child and the first match of `pattern` in what it wrote
 * to `stream` (the other stream is drained, so a full pipe never stalls the child). `onLine` sees every
 * line of `stream` as it comes, without keeping them. Rejects if the child exits before the match.
 */
export function spawnAndWait(args: readonly string[], stream: 'stdout' | 'stderr', pattern: RegExp, onLine?: (line: string) => void): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let head = '';
    let matched = false;
    let partial = '';
    child[stream]?.setEncoding('utf8').on('data', (chunk: string) => {
      if (!matched) {
        head += chunk;
        const match = pattern.exec(head);
        if (match) {
          matched = true;
          head = '';
          resolve({ child, match });
        }
      }
      if (onLine) {
        // Keep only the unfinished line: the output is read, never stored.
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) onLine(line);
      }
    });
    child[stream === 'stdout' ? 'stderr' : 'stdout']?.resume();
    child.on('exit', (code) => {
      if (!matched) reject(new Error(`${args.join(' ')} exited ${code}: ${head}`));
    });
  });
}

/**
 * `concurrency` loops sending back to back for `seconds`: completed requests per second over the
 * time it took (the last requests included), how many completed, and how many threw.
 */
export async function saturate(concurrency: number, seconds: number, send: () => Promise<unknown>): Promise<{ rps: number; done: number; errors: number }> {
  const deadline = Date.now() + seconds * 1000;
  let done = 0;
  let errors = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < deadline) {
        try {
          await send();
          done += 1;
        } catch {
          errors += 1;
        }
      }
    }),
  );
  return { rps: done / (Number(process.hrtime.bigint() - started) / 1e9), done, errors };
}

/**
 * Spawns a child whose stderr goes to a file (as a log shipper's file would) and resolves
 * once `pattern` shows up in it. A pipe drained by this process would put the cost of
 * reading serve's request log on the load generator, which shares the machine's two cores.
 */
export async function spawnLoggingToFile(args: readonly string[], logPath: string, pattern: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const fd = openSync(logPath, 'w');
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', fd] });
  closeSync(fd);
  let exited: number | null | undefined;
  child.on('exit', (code) => {
    exited = code;
  });
  for (let waited = 0; waited < 20_000; waited += 20) {
    const match = pattern.exec(readFileSync(logPath, 'utf8').slice(0, 4096));
    if (match) return { child, match };
    if (exited !== undefined) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  child.kill('SIGTERM');
  throw new Error(`${args.join(' ')} did not start (exit ${exited}): ${readFileSync(logPath, 'utf8').slice(0, 2000)}`);
}

/** CPU time (user + system) a process has used, in microseconds (Linux /proc; clock ticks of 10 ms). */
export function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}
