import { createHash } from 'node:crypto';
import { ARENA_MODEL_IDS } from '../../src/routers/mf/arena-model-ids.js';
import { safetensorsBytes } from '../routers/mf/write-mf-files.js';
import { startJsonHandlerServer, type JsonHandlerServer } from './json-handler-server.js';

/** OpenAI text-embedding-3-small's size: RouteLLM's mf and sw_ranking data are in it. */
export const ROUTELLM_TEXT_DIM = 1536;

/**
 * A small checkpoint in the layout of RouteLLM's `routellm/mf_gpt4_augmented` (PyTorchModelHubMixin:
 * model.safetensors with P.weight, text_proj.0.weight, classifier.0.weight; config.json with dim,
 * num_models, text_dim, num_classes, use_proj), d = 2 over 1536-d prompt embeddings.
 * gpt-4-1106-preview (row 24) has P = [1, 0], mixtral-8x7b-instruct-v0.1 (row 36) [0, 1]; the
 * projection keeps embedding dimensions 0 and 1; classifier [1, 1]. So the strong model's win
 * rate for an embedding e is sigmoid(e[0] - e[1]).
 */
export function routellmMfFiles(options: { withConfig?: boolean } = {}): Record<string, Uint8Array | string> {
  const P = ARENA_MODEL_IDS.flatMap((_, i) => (i === 24 ? [1, 0] : i === 36 ? [0, 1] : [0.5, 0.5]));
  const projection = new Array<number>(2 * ROUTELLM_TEXT_DIM).fill(0);
  projection[0] = 1;
  projection[ROUTELLM_TEXT_DIM + 1] = 1;
  const files: Record<string, Uint8Array | string> = {
    'model.safetensors': safetensorsBytes({
      'P.weight': { shape: [64, 2], data: P },
      'text_proj.0.weight': { shape: [2, ROUTELLM_TEXT_DIM], data: projection },
      'classifier.0.weight': { shape: [1, 2], data: [1, 1] },
    }),
  };
  if (options.withConfig !== false) files['config.json'] = JSON.stringify({ dim: 2, num_models: 64, text_dim: ROUTELLM_TEXT_DIM, num_classes: 1, use_proj: true });
  return files;
}

/**
 * A deterministic 1536-d "embedding" of a text: dimension 0 grows with its length (long prompts
 * look hard: the strong model's win rate rises), dimension 1 is 1, the rest a hash-seeded spread,
 * so different prompts have different vectors and cosine similarities.
 */
export function fakeEmbedding(text: string): number[] {
  const seed = createHash('sha256').update(text).digest();
  const vector = new Array<number>(ROUTELLM_TEXT_DIM);
  for (let i = 0; i < ROUTELLM_TEXT_DIM; i++) vector[i] = (seed[i % 32]! - 128) / 1280;
  vector[0] = Math.min(text.length, 400) / 100;
  vector[1] = 1;
  return vector;
}

/** A fake OpenAI `/v1/embeddings` answering fakeEmbedding for every input (plain float arrays). */
export function startFakeEmbeddings(): Promise<JsonHandlerServer> {
  return startJsonHandlerServer((request) => {
    if (request.path !== '/v1/embeddings') return { status: 404, body: { error: { message: 'not found', type: 'invalid_request_error', param: null, code: null } } };
    const input = request.body.input as string[];
    return {
      body: {
        object: 'list',
        model: request.body.model,
        data: input.map((text, index) => ({ object: 'embedding', index, embedding: fakeEmbedding(text) })),
        usage: { prompt_tokens: input.length, total_tokens: input.length },
      },
    };
  });
}
