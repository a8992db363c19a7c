import { UsageError } from '../core/index.js';
import type { Embedder } from '../embed/embedder.js';

/**
 * Embeds prompts in batches of 64 into one row-major `prompts x dim` matrix, reporting progress
 * on `stderr` every 2,000 prompts and at the end.
 */
export async function embedPrompts(embedder: Embedder, prompts: readonly string[], stderr: { write(text: string): unknown }): Promise<Float32Array> {
  const out = new Float32Array(prompts.length * embedder.dim);
  const batch = 64;
  let lastReport = 0;
  for (let start = 0; start < prompts.length; start += batch) {
    const vectors = await embedder.embed(prompts.slice(start, start + batch));
    vectors.forEach((v, i) => {
      if (v.length !== embedder.dim) throw new UsageError(`embedder ${embedder.id} returned a ${v.length}-d vector; it declares ${embedder.dim}`);
      out.set(v, (start + i) * embedder.dim);
    });
    const done = Math.min(start + batch, prompts.length);
    if (done - lastReport >= 2000 || done === prompts.length) {
      stderr.write(`embedding prompts: ${done}/${prompts.length}\n`);
      lastReport = done;
    }
  }
  return out;
}
