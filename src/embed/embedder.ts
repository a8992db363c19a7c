/**
 * Turns texts into fixed-length vectors. Routers that score by embedding (mf, sw_ranking)
 * take an Embedder, so the same router runs on OpenAI embeddings or offline ones.
 */
export interface Embedder {
  /** Identifies the embedder and its parameters, e.g. `openai:text-embedding-3-small`; part of weight fingerprints. */
  readonly id: string;
  /** Length of every vector this embedder returns. */
  readonly dim: number;
  /** Embeds a batch; the result has one vector per text, in order. */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}
