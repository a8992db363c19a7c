import { UsageError } from '../../core/index.js';

/** `--port`: an integer in [0, 65535]; 0 asks the system for a free port. */
export function parsePort(raw: string): number {
  const port = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) throw new UsageError(`--port: "${raw}" is not a port number (0-65535; 0 picks a free port)`);
  return port;
}

/** `--max-body`: bytes, optionally with a k or m suffix (powers of 1024). */
export function parseByteSize(raw: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([km]?)i?b?$/i.exec(raw.trim());
  const scale = { '': 1, k: 1024, m: 1024 * 1024 }[(match?.[2] ?? '').toLowerCase() as '' | 'k' | 'm'];
  const bytes = match ? Math.floor(Number(match[1]) * scale) : Number.NaN;
  if (!(bytes >= 1)) throw new UsageError(`--max-body: "${raw}" is not a size; give bytes, e.g. 1048576, 512k or 10m`);
  return bytes;
}
