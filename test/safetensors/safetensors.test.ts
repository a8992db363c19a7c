import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RouterError } from '../../src/core/index.js';
import { readSafetensors } from '../../src/safetensors/read-safetensors.js';
import { floatToHalf, halfToFloat } from '../../src/safetensors/safetensors-dtype.js';
import { writeSafetensors } from '../../src/safetensors/write-safetensors.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'routellm-safetensors-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes a file by hand: header JSON as given (no padding), then `data`. */
function rawFile(header: unknown, data: Uint8Array = new Uint8Array(), headerLength?: bigint): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, headerLength ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

async function roundTripThroughDisk(bytes: Uint8Array, name: string): Promise<Uint8Array> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return new Uint8Array(await readFile(path));
}

describe('readSafetensors / writeSafetensors', () => {
  it('round-trips F32, F64, F16 and BF16 tensors and metadata through a file', async () => {
    const matrix = [1, -2.5, 3.25, 0, 1e-3, 65504];
    const bytes = writeSafetensors(
      [
        ['P.weight', { shape: [2, 3], data: matrix }],
        ['exact', { dtype: 'F64', shape: [3], data: [0.1, -1e30, 7] }],
        ['half', { dtype: 'F16', shape: [4], data: [1, -0.5, 0.333251953125, 2 ** -24] }],
        ['brain', { dtype: 'BF16', shape: [2, 1], data: [1.5, -3] }],
        ['empty', { shape: [0, 4], data: [] }],
      ],
      { format: 'pt', embedder: 'test:hash' },
    );
    // The header is padded so the data section starts on an 8-byte boundary.
    expect(Number(new DataView(bytes.buffer).getBigUint64(0, true)) % 8).toBe(0);

    const tensors = readSafetensors(await roundTripThroughDisk(bytes, 'round-trip.safetensors'));
    expect(tensors.metadata).toEqual({ format: 'pt', embedder: 'test:hash' });
    expect([...tensors.keys()]).toEqual(['P.weight', 'exact', 'half', 'brain', 'empty']);
    const p = tensors.get('P.weight')!;
    expect(p.dtype).toBe('F32');
    expect(p.shape).toEqual([2, 3]);
    expect(p.data).toBeInstanceOf(Float32Array);
    expect([...p.data]).toEqual([...Float32Array.from(matrix)]);
    expect([...tensors.get('exact')!.data]).toEqual([...Float32Array.from([0.1, -1e30, 7])]);
    expect([...tensors.get('half')!.data]).toEqual([1, -0.5, 0.333251953125, 2 ** -24]);
    expect(tensors.get('brain')).toMatchObject({ dtype: 'BF16', shape: [2, 1] });
    expect([...tensors.get('brain')!.data]).toEqual([1.5, -3]);
    expect(tensors.get('empty')!.data.length).toBe(0);
  });

  it('decodes tensors from a Node Buffer that is a view into a larger pool', () => {
    const bytes = writeSafetensors({ a: { dtype: 'F16', shape: [2], data: [3, -1] }, b: { dtype: 'F32', shape: [1], data: [2.5] } });
    const pool = Buffer.alloc(bytes.length + 13);
    pool.set(bytes, 13);
    const tensors = readSafetensors(pool.subarray(13));
    expect([...tensors.get('a')!.data]).toEqual([3, -1]);
    expect([...tensors.get('b')!.data]).toEqual([2.5]);
  });

  it('decodes a file laid out by hand, with tensors at unaligned offsets', () => {
    // One F32 at data offset 2 (unaligned), after a 2-byte F16; little-endian by construction.
    const data = new Uint8Array(6);
    const view = new DataView(data.buffer);
    view.setUint16(0, 0x3c00, true); // half 1.0
    view.setFloat32(2, 6.5, true);
    const tensors = readSafetensors(
      rawFile({ a: { dtype: 'F16', shape: [1], data_offsets: [0, 2] }, b: { dtype: 'F32', shape: [], data_offsets: [2, 6] } }, data),
    );
    expect([...tensors.get('a')!.data]).toEqual([1]);
    expect(tensors.get('b')!.shape).toEqual([]);
    expect([...tensors.get('b')!.data]).toEqual([6.5]);
    expect(tensors.metadata).toEqual({});
  });

  it('converts half floats both ways, rounding to nearest even', () => {
    expect(floatToHalf(1)).toBe(0x3c00);
    expect(floatToHalf(-2)).toBe(0xc000);
    expect(floatToHalf(65504)).toBe(0x7bff);
    expect(floatToHalf(1e6)).toBe(0x7c00); // overflow to infinity
    expect(floatToHalf(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(floatToHalf(1 + 2 ** -11)).toBe(0x3c00); // tie, rounds to even
    expect(floatToHalf(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie, rounds up to even
    expect(halfToFloat(0x7bff)).toBe(65504);
    expect(halfToFloat(0x0001)).toBe(2 ** -24);
    expect(halfToFloat(0xfc00)).toBe(Number.NEGATIVE_INFINITY);
    expect(halfToFloat(0x7e00)).toBeNaN();
  });

  const malformed: Array<[string, Uint8Array, RegExp]> = [
    ['a file shorter than the length field', new Uint8Array([1, 0, 0]), /truncated: 3 bytes/],
    ['a header longer than the file', rawFile('{"a":1}', new Uint8Array(), 50n), /truncated: the header says 50 bytes of JSON but only 7 follow/],
    ['an absurd header length', rawFile('{}', new Uint8Array(), 1n << 40n), /header too large: 1099511627776 bytes/],
    ['a header that is not JSON', rawFile('{"a": [1, 2'), /header is not valid UTF-8 JSON/],
    ['a header that is a JSON array', rawFile([1, 2]), /header is not a JSON object/],
    ['metadata that is not string to string', rawFile({ __metadata__: { n: 1 } }), /__metadata__\.n is not a string/],
    ['an unknown dtype', rawFile({ t: { dtype: 'Q4', shape: [1], data_offsets: [0, 1] } }, new Uint8Array(1)), /tensor "t" has dtype "Q4"; supported dtypes: F32, F16, BF16, F64/],
    ['an integer dtype', rawFile({ t: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8)), /dtype "I64"/],
    ['a negative dimension', rawFile({ t: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, new Uint8Array(4)), /has shape \[-1\]/],
    ['reversed offsets', rawFile({ t: { dtype: 'F32', shape: [1], data_offsets: [4, 0] } }, new Uint8Array(4)), /data_offsets \[4,0\]; expected \[begin, end\]/],
    ['offsets past the end of the data', rawFile({ t: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, new Uint8Array(4)), /data_offsets \[0, 8\] are out of range: the data section has 4 bytes/],
    ['a shape that does not match the byte count', rawFile({ t: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8)), /shape \[3\] of F32 needs 12 bytes but data_offsets \[0, 8\] hold 8/],
    [
      'overlapping tensors',
      rawFile(
        {
          a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
          hole: { dtype: 'F32', shape: [0], data_offsets: [4, 4] },
          b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] },
        },
        new Uint8Array(12),
      ),
      /tensors "a" \[0, 8\] and "b" \[4, 12\] overlap/,
    ],
  ];

  it.each(malformed)('rejects %s with a RouterError naming the file', async (label, bytes, message) => {
    const onDisk = await roundTripThroughDisk(bytes, `${label.replaceAll(' ', '-')}.safetensors`);
    let thrown: unknown;
    try {
      readSafetensors(onDisk, { source: 'bad.safetensors' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(RouterError);
    expect((thrown as Error).message).toMatch(/^bad\.safetensors: /);
    expect((thrown as Error).message).toMatch(message);
  });

  it('refuses to write data that does not match its shape', () => {
    expect(() => writeSafetensors({ t: { shape: [2, 2], data: [1, 2, 3] } })).toThrow('needs 4 values, got 3');
  });
});
