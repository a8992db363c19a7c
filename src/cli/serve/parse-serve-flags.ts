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
