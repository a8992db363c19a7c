import { RouterError } from '../../core/index.js';
import { readSafetensors } from '../../safetensors/read-safetensors.js';
import type { SafetensorsDtype } from '../../safetensors/safetensors-dtype.js';
import { writeSafetensors } from '../../safetensors/write-safetensors.js';
import type { Battle, BattleWinner } from './sw-ranking-model.js';

/** Written in the embeddings file's metadata; bumped when the layout changes. */
export const SW_RANKING_FORMAT = 'routellm-sw-ranking/1';
/** Name of the embedding matrix tensor. */
export const EMBEDDINGS_TENSOR = 'embeddings';
export const BATTLES_FILE = 'battles.jsonl';
export const EMBEDDINGS_FILE = 'embeddings.safetensors';

const WINNERS: ReadonlySet<string> = new Set(['model_a', 'model_b', 'tie', 'tie (bothbad)']);

/**
 * The training data of an sw_ranking router: battles and one embedding row per distinct prompt.
 *
 * On disk it is two files. `battles.jsonl`: one JSON object a line,
 * `{"model_a", "model_b", "winner", "prompt_index"?, "prompt"?}`, where `prompt_index` is the
 * battle's row of the embedding matrix (default: the line number, as in the Python router where
 * row k embeds battle k). `embeddings.safetensors`: one tensor `embeddings` of shape
 * `[prompts, dim]` (F32, F16, BF16 or F64) and metadata `format`, `embedder` (the Embedder id the
 * rows were made with), and optionally `strong_model` / `weak_model`, the defaults of the router.
 */
export interface SwRankingData {
  readonly battles: readonly Battle[];
  /** Row-major `prompts x dim`. */
  readonly embeddings: Float32Array;
  readonly dim: number;
  readonly embedderId: string;
  readonly strongModel?: string;
  readonly weakModel?: string;
  /** Prompt text of each embedding row, when kept (only written with `includePrompts`). */
  readonly prompts?: readonly string[];
}

/** Serialises sw_ranking data to the two files' bytes. */
export function encodeSwRankingData(
  data: SwRankingData,
  options: { dtype?: SafetensorsDtype; includePrompts?: boolean } = {},
): { battles: Uint8Array; embeddings: Uint8Array } {
  const rows = data.embeddings.length / data.dim;
  const lines = data.battles.map((b) => {
    const prompt = options.includePrompts ? data.prompts?.[b.promptIndex] : undefined;
    return JSON.stringify({
      model_a: b.model_a,
      model_b: b.model_b,
      winner: b.winner,
      prompt_index: b.promptIndex,
      ...(prompt === undefined ? {} : { prompt }),
    });
  });
  const metadata: Record<string, string> = { format: SW_RANKING_FORMAT, embedder: data.embedderId };
  if (data.strongModel) metadata['strong_model'] = data.strongModel;
  if (data.weakModel) metadata['weak_model'] = data.weakModel;
  const embeddings = writeSafetensors(
    [[EMBEDDINGS_TENSOR, { dtype: options.dtype ?? 'F32', shape: [rows, data.dim], data: data.embeddings }]],
    metadata,
  );
  return { battles: new TextEncoder().encode(lines.join('\n') + '\n'), embeddings };
}

/**
 * Reads sw_ranking data from the two files' bytes; `sources` name the files in errors.
 * The battles file may also be a JSON array of the same objects.
 */
export function decodeSwRankingData(
  battlesBytes: Uint8Array,
  embeddingsBytes: Uint8Array,
  sources: { battles: string; embeddings: string } = { battles: BATTLES_FILE, embeddings: EMBEDDINGS_FILE },
): SwRankingData {
  const tensors = readSafetensors(embeddingsBytes, { source: sources.embeddings });
  const matrix = tensors.get(EMBEDDINGS_TENSOR);
  if (!matrix || matrix.shape.length !== 2) {
    throw new RouterError(`${sources.embeddings}: expected a 2-d tensor "${EMBEDDINGS_TENSOR}" [prompts, dim]; found ${[...tensors.keys()].join(', ') || 'no tensors'}`);
  }
  const [rows, dim] = matrix.shape as [number, number];
  const embedderId = tensors.metadata['embedder'];
  if (!embedderId) throw new RouterError(`${sources.embeddings}: metadata has no "embedder"; rebuild it with \`routellm train --router sw_ranking\``);

  const text = new TextDecoder().decode(battlesBytes);
  let records: Array<{ record: unknown; line: number }>;
  if (text.trimStart().startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new RouterError(`${sources.battles}: not valid JSON (${(error as Error).message})`);
    }
    records = (parsed as unknown[]).map((record, i) => ({ record, line: i + 1 }));
  } else {
    records = [];
    text.split('\n').forEach((raw, i) => {
      if (raw.trim() === '') return;
      try {
        records.push({ record: JSON.parse(raw), line: i + 1 });
      } catch (error) {
        throw new RouterError(`${sources.battles}:${i + 1}: not valid JSON (${(error as Error).message})`);
      }
    });
  }

  const battles: Battle[] = records.map(({ record, line }, k) => {
    const where = `${sources.battles}:${line}`;
    if (record === null || typeof record !== 'object') throw new RouterError(`${where}: expected an object`);
    const { model_a: a, model_b: b, winner, prompt_index: index } = record as Record<string, unknown>;
    if (typeof a !== 'string' || a === '' || typeof b !== 'string' || b === '') {
      throw new RouterError(`${where}: model_a and model_b must be non-empty strings`);
    }
    if (typeof winner !== 'string' || !WINNERS.has(winner)) {
      throw new RouterError(`${where}: winner must be one of model_a, model_b, tie, "tie (bothbad)"; got ${JSON.stringify(winner)}`);
    }
    const promptIndex = index === undefined ? k : index;
    if (typeof promptIndex !== 'number' || !Number.isInteger(promptIndex) || promptIndex < 0 || promptIndex >= rows) {
      throw new RouterError(`${where}: prompt_index ${JSON.stringify(index ?? k)} is not a row of ${sources.embeddings} (${rows} rows)`);
    }
    return { model_a: a, model_b: b, winner: winner as BattleWinner, promptIndex };
  });
  if (battles.length === 0) throw new RouterError(`${sources.battles}: no battles`);

  return {
    battles,
    embeddings: matrix.data,
    dim,
    embedderId,
    ...(tensors.metadata['strong_model'] ? { strongModel: tensors.metadata['strong_model'] } : {}),
    ...(tensors.metadata['weak_model'] ? { weakModel: tensors.metadata['weak_model'] } : {}),
  };
}
