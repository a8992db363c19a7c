import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packageRoot } from '../../src/runtime/package-paths.js';

/**
 * Two mf checkpoints under `dir` for reload tests: `a`, the shipped one, and `b`, a copy with one
 * weight nudged (other weights, other fingerprint). Returns b's weights, for further variants.
 */
export async function twoMfCheckpoints(dir: string): Promise<Buffer> {
  await cp(join(packageRoot(), 'datasets/mf'), join(dir, 'a'), { recursive: true });
  await cp(join(dir, 'a'), join(dir, 'b'), { recursive: true });
  const weights = await readFile(join(dir, 'b', 'model.safetensors'));
  weights[weights.length - 2] = (weights[weights.length - 2] as number) ^ 0x01;
  await writeFile(join(dir, 'b', 'model.safetensors'), weights);
  return weights;
}
