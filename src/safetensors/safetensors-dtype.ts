/** The float dtypes this package reads and writes; every tensor is handed out as a Float32Array. */
export type SafetensorsDtype = 'F32' | 'F16' | 'BF16' | 'F64';

/** Bytes per element of each supported dtype. */
export const DTYPE_BYTES: Readonly<Record<SafetensorsDtype, number>> = { F32: 4, F16: 2, BF16: 2, F64: 8 };

/** True when `dtype` is one of the supported float dtypes. */
export function isSupportedDtype(dtype: unknown): dtype is SafetensorsDtype {
  return typeof dtype === 'string' && Object.hasOwn(DTYPE_BYTES, dtype);
}

// Typed arrays use the host byte order; safetensors is little-endian. Every host Node runs on
// today is little-endian, but the DataView path keeps big-endian hosts correct.
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

/** IEEE 754 half (as its 16 bits) to a number. */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

let halfValues: Float32Array | undefined;

/**
 * Every half's value, computed once (65,536 entries, 256 KB): decoding a large float16 tensor
 * (the 2M-value use-static token table) is then one lookup a value, not a call with a power.
 */
function halfTable(): Float32Array {
  if (!halfValues) {
    halfValues = new Float32Array(65536);
    for (let bits = 0; bits < 65536; bits++) halfValues[bits] = halfToFloat(bits);
  }
  return halfValues;
}

/** A number to IEEE 754 half bits, rounding to nearest even (overflow becomes infinity). */
export function floatToHalf(value: number): number {
  f32Scratch[0] = value;
  const x = u32Scratch[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  let e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    // Subnormal half: shift the implicit leading one in, then round to nearest even.
    mantissa |= 0x800000;
    const shift = 14 - e;
    const half = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const midpoint = 1 << (shift - 1);
    return sign | (half + (rest > midpoint || (rest === midpoint && half & 1) ? 1 : 0));
  }
  const rest = mantissa & 0x1fff;
  let bits = (e << 10) | (mantissa >>> 13);
  if (rest > 0x1000 || (rest === 0x1000 && bits & 1)) bits += 1; // may carry into the exponent: still correct
  return sign | bits;
}

/** A number to bfloat16 bits (the top half of its float32), rounding to nearest even. */
export function floatToBfloat16(value: number): number {
  f32Scratch[0] = value;
  const x = u32Scratch[0]!;
  if ((x & 0x7f800000) === 0x7f800000 && x & 0x7fffff) return (x >>> 16) | 0x40; // keep NaN a NaN
  const rounded = x + 0x7fff + ((x >>> 16) & 1);
  return (rounded >>> 16) & 0xffff;
}

/** Decodes `count` little-endian elements of `dtype` starting at `bytes[0]` into a new Float32Array. */
export function decodeFloats(bytes: Uint8Array, dtype: SafetensorsDtype, count: number): Float32Array {
  const out = new Float32Array(count);
  if (count === 0) return out;
  // A copy is aligned for any typed array view, whatever the tensor's offset in the file.
  // Not `bytes.slice`: on a Node Buffer that returns a view of the same memory, not a copy.
  const copy = new Uint8Array(count * DTYPE_BYTES[dtype]);
  copy.set(bytes.subarray(0, copy.length));
  if (LITTLE_ENDIAN_HOST) {
    switch (dtype) {
      case 'F32':
        return new Float32Array(copy.buffer, 0, count);
      case 'F64':
        out.set(new Float64Array(copy.buffer, 0, count));
        return out;
      case 'BF16': {
        const halves = new Uint16Array(copy.buffer, 0, count);
        const words = new Uint32Array(out.buffer);
        for (let i = 0; i < count; i++) words[i] = halves[i]! << 16;
        return out;
      }
      case 'F16': {
        const halves = new Uint16Array(copy.buffer, 0, count);
        const table = halfTable();
        for (let i = 0; i < count; i++) out[i] = table[halves[i]!]!;
        return out;
      }
    }
  }
  const view = new DataView(copy.buffer);
  for (let i = 0; i < count; i++) {
    switch (dtype) {
      case 'F32':
        out[i] = view.getFloat32(i * 4, true);
        break;
      case 'F64':
        out[i] = view.getFloat64(i * 8, true);
        break;
      case 'BF16':
        u32Scratch[0] = view.getUint16(i * 2, true) << 16;
        out[i] = f32Scratch[0]!;
        break;
      case 'F16':
        out[i] = halfToFloat(view.getUint16(i * 2, true));
        break;
    }
  }
  return out;
}

/** Encodes numbers as little-endian `dtype` elements. */
export function encodeFloats(values: ArrayLike<number>, dtype: SafetensorsDtype): Uint8Array {
  const out = new Uint8Array(values.length * DTYPE_BYTES[dtype]);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    switch (dtype) {
      case 'F32':
        view.setFloat32(i * 4, value, true);
        break;
      case 'F64':
        view.setFloat64(i * 8, value, true);
        break;
      case 'F16':
        view.setUint16(i * 2, floatToHalf(value), true);
        break;
      case 'BF16':
        view.setUint16(i * 2, floatToBfloat16(value), true);
        break;
    }
  }
  return out;
}
