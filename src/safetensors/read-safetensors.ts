import { RouterError } from '../core/index.js';
import { decodeFloats, DTYPE_BYTES, isSupportedDtype, type SafetensorsDtype } from './safetensors-dtype.js';

/** One tensor of a safetensors file, decoded to float32 whatever its stored dtype. */
export interface SafetensorsTensor {
  /** The dtype stored in the file. */
  readonly dtype: SafetensorsDtype;
  readonly shape: number[];
  /** Row-major values, `product(shape)` of them. */
  readonly data: Float32Array;
}

/** Tensors by name, plus the file's free-form `__metadata__` (string to string). */
export type SafetensorsTensors = Map<string, SafetensorsTensor> & {
  readonly metadata: Readonly<Record<string, string>>;
};

/**
 * Refuse headers above 100 MB, as the reference Rust implementation does: a corrupt length
 * field must not make us try to decode gigabytes of JSON.
 */
export const MAX_HEADER_BYTES = 100_000_000;

/**
 * Reads a safetensors file (https://github.com/huggingface/safetensors): an 8-byte little-endian
 * header length, a JSON header `{name: {dtype, shape, data_offsets: [begin, end]}, __metadata__}`,
 * then the tensor bytes, offsets relative to the end of the header. F32, F16, BF16 and F64 tensors
 * are decoded to Float32Array. Any malformation is a RouterError naming `source`.
 */
export function readSafetensors(bytes: Uint8Array, options: { source?: string } = {}): SafetensorsTensors {
  const source = options.source ?? 'safetensors file';
  const fail = (what: string): never => {
    throw new RouterError(`${source}: ${what}`);
  };

  if (bytes.length < 8) {
    fail(`truncated: ${bytes.length} bytes, but a safetensors file starts with an 8-byte header length`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(MAX_HEADER_BYTES)) {
    fail(`header too large: ${headerLength} bytes (limit ${MAX_HEADER_BYTES}); the file is corrupt or not safetensors`);
  }
  const headerBytes = Number(headerLength);
  if (8 + headerBytes > bytes.length) {
    fail(`truncated: the header says ${headerBytes} bytes of JSON but only ${bytes.length - 8} follow`);
  }

  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerBytes)));
  } catch (error) {
    fail(`header is not valid UTF-8 JSON (${(error as Error).message}); the file is corrupt or not safetensors`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    fail('header is not a JSON object');
  }

  const data = bytes.subarray(8 + headerBytes);
  const metadata: Record<string, string> = {};
  const tensors = new Map<string, SafetensorsTensor>();
  const ranges: Array<{ name: string; begin: number; end: number }> = [];

  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) fail('__metadata__ is not an object');
      for (const [key, value] of Object.entries(entry as Record<string, unknown>)) {
        if (typeof value !== 'string') fail(`__metadata__.${key} is not a string`);
        metadata[key] = value as string;
      }
      continue;
    }
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) fail(`tensor "${name}" is not an object`);
    const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
    if (!isSupportedDtype(dtype)) {
      fail(`tensor "${name}" has dtype ${JSON.stringify(dtype)}; supported dtypes: ${Object.keys(DTYPE_BYTES).join(', ')}`);
    }
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      fail(`tensor "${name}" has shape ${JSON.stringify(shape)}; expected an array of non-negative integers`);
    }
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
      offsets[0] > offsets[1]
    ) {
      fail(`tensor "${name}" has data_offsets ${JSON.stringify(offsets)}; expected [begin, end] with 0 <= begin <= end`);
    }
    const [begin, end] = offsets as [number, number];
    if (end > data.length) {
      fail(`tensor "${name}" data_offsets [${begin}, ${end}] are out of range: the data section has ${data.length} bytes (truncated file?)`);
    }
    const dims = shape as number[];
    const count = dims.reduce((product, d) => product * d, 1);
    const expected = count * DTYPE_BYTES[dtype as SafetensorsDtype];
    if (end - begin !== expected) {
      fail(
        `tensor "${name}" shape [${dims.join(', ')}] of ${dtype} needs ${expected} bytes but data_offsets [${begin}, ${end}] hold ${end - begin}`,
      );
    }
    ranges.push({ name, begin, end });
    tensors.set(name, { dtype: dtype as SafetensorsDtype, shape: dims, data: decodeFloats(data.subarray(begin, end), dtype as SafetensorsDtype, count) });
  }

  // Empty tensors occupy no bytes, so they cannot overlap anything.
  const occupied = ranges.filter((r) => r.end > r.begin).sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < occupied.length; i++) {
    const previous = occupied[i - 1]!;
    const current = occupied[i]!;
    if (current.begin < previous.end) {
      fail(
        `tensors "${previous.name}" [${previous.begin}, ${previous.end}] and "${current.name}" [${current.begin}, ${current.end}] overlap`,
      );
    }
  }

  return Object.assign(tensors, { metadata });
}
