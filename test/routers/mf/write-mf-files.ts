import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Serialises F32 tensors to safetensors by hand, so the loader is tested against bytes it did not write. */
export function safetensorsBytes(tensors: Record<string, { shape: number[]; data: number[] }>): Uint8Array {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.length * 4] };
    offset += t.data.length * 4;
  }
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const out = Buffer.alloc(8 + json.length + offset);
  out.writeBigUInt64LE(BigInt(json.length), 0);
  json.copy(out, 8);
  let at = 8 + json.length;
  for (const t of Object.values(tensors)) {
    for (const v of t.data) {
      out.writeFloatLE(v, at);
      at += 4;
    }
  }
  return new Uint8Array(out);
}

/** Writes model.safetensors + config.json into `dir`. */
export async function writeMfCheckpoint(
  dir: string,
  tensors: Record<string, { shape: number[]; data: number[] }>,
  config: Record<string, unknown>,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'model.safetensors'), safetensorsBytes(tensors));
  await writeFile(join(dir, 'config.json'), JSON.stringify(config));
}
