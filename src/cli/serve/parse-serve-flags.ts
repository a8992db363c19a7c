import { UsageError } from '../../core/index.js';
import { byteCount } from '../../config/config-sections.js';

/** `--port`: an integer in [0, 65535]; 0 asks the system for a free port. */
export function parsePort(raw: string): number {
  const port = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) throw new UsageError(`--port: "${raw}" is not a port number (0-65535; 0 picks a free port)`);
  return port;
}

/** `--max-body`: bytes, optionally with a k, m or g suffix (powers of 1024). */
export function parseByteSize(raw: string): number {
  const bytes = byteCount(raw);
  if (bytes === undefined) throw new UsageError(`--max-body: "${raw}" is not a size; give bytes, e.g. 1048576, 512k or 10m`);
  return bytes;
}

/** Most worker processes `--workers` accepts: each loads the routers, so far more than the cores only costs memory. */
export const MAX_WORKERS = 64;

/** `--workers`: the number of server processes sharing the port, 1 (one process, no cluster) to MAX_WORKERS. */
export function parseWorkers(raw: string): number {
  const workers = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!(workers >= 1 && workers <= MAX_WORKERS)) {
    throw new UsageError(`--workers: "${raw}" is not a number of worker processes from 1 to ${MAX_WORKERS} (1, the default, serves from one process)`);
  }
  return workers;
}
