import { InternalError } from '../core/index.js';
import { encodeFloats, type SafetensorsDtype } from './safetensors-dtype.js';

/** A tensor to write: row-major values and their shape, stored as `dtype` (default F32). */
export interface SafetensorsInput {
  readonly dtype?: SafetensorsDtype;
  readonly shape: readonly number[];
  readonly data: ArrayLike<number>;
}

/**
 * Serialises tensors to the safetensors format, in the given order, with optional string
 * metadata. The header is padded with spaces to a multiple of 8 bytes, as the reference
 * writer does, so the data section stays aligned.
 */
export function writeSafetensors(
  tensors: Iterable<[string, SafetensorsInput]> | Readonly<Record<string, SafetensorsInput>>,
  metadata?: Readonly<Record<string, string>>,
): Uint8Array {
  const entries: Array<[string, SafetensorsInput]> =
    Symbol.iterator in tensors ? [...(tensors as Iterable<[string, SafetensorsInput]>)] : Object.entries(tensors);
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) header['__metadata__'] = { ...metadata };
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, tensor] of entries) {
    if (name === '__metadata__') throw new InternalError('a tensor may not be called __metadata__');
    const count = tensor.shape.reduce((product, d) => product * d, 1);
    if (count !== tensor.data.length) {
      throw new InternalError(`tensor "${name}": shape [${tensor.shape.join(', ')}] needs ${count} values, got ${tensor.data.length}`);
    }
    const dtype = tensor.dtype ?? 'F32';
    const bytes = encodeFloats(tensor.data, dtype);
    header[name] = { dtype, shape: [...tensor.shape], data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  const encoder = new TextEncoder();
  let headerBytes = encoder.encode(json);
  const padding = (8 - (headerBytes.length % 8)) % 8;
  if (padding > 0) headerBytes = encoder.encode((json += ' '.repeat(padding)));

  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let position = 8 + headerBytes.length;
  for (const chunk of chunks) {
    out.set(chunk, position);
    position += chunk.length;
  }
  return out;
}
