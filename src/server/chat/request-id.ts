import { randomFillSync } from 'node:crypto';

/** Random bytes drawn 4 KiB at a time: one crypto call per 256 request ids instead of one (plus a copy without dashes) each. */
const idPool = Buffer.alloc(16 * 256);
let idOffset = idPool.length;

/** A new request id, `req_` and 32 hex digits (128 bits, as many as the UUIDs this replaced carried, less the version bits). */
export function newRequestId(): string {
  if (idOffset >= idPool.length) {
    randomFillSync(idPool);
    idOffset = 0;
  }
  const hex = idPool.toString('hex', idOffset, idOffset + 16);
  idOffset += 16;
  return `req_${hex}`;
}
