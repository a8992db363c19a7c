import { parquetWriteBuffer } from 'hyparquet-writer';

/** One Chatbot Arena battle as the test writes it. */
export interface ArenaBattleRow {
  readonly model_a: string;
  readonly model_b: string;
  /** The user's turns (the file stores them as a JSON list). */
  readonly turns: readonly string[];
  readonly winner: 'model_a' | 'model_b' | 'tie';
}

/**
 * A parquet file with the columns of lmsys/lmsys-arena-human-preference-55k (id, model_a,
 * model_b, prompt, response_a, response_b, winner_model_a, winner_model_b, winner_tie; the
 * winners int64 one-hot), as the hub's parquet conversion of its train.csv holds them. `omit`
 * drops columns, for the wrong-columns case.
 */
export function arenaBattlesParquet(rows: readonly ArenaBattleRow[], options: { rowGroupSize?: number; omit?: readonly string[] } = {}): Uint8Array {
  const columns = [
    { name: 'id', data: rows.map((_, i) => BigInt(1000 + i)), type: 'INT64' as const },
    { name: 'model_a', data: rows.map((r) => r.model_a), type: 'STRING' as const },
    { name: 'model_b', data: rows.map((r) => r.model_b), type: 'STRING' as const },
    { name: 'prompt', data: rows.map((r) => JSON.stringify(r.turns)), type: 'STRING' as const },
    { name: 'response_a', data: rows.map(() => JSON.stringify(['an answer'])), type: 'STRING' as const },
    { name: 'response_b', data: rows.map(() => JSON.stringify(['another answer'])), type: 'STRING' as const },
    { name: 'winner_model_a', data: rows.map((r) => BigInt(r.winner === 'model_a' ? 1 : 0)), type: 'INT64' as const },
    { name: 'winner_model_b', data: rows.map((r) => BigInt(r.winner === 'model_b' ? 1 : 0)), type: 'INT64' as const },
    { name: 'winner_tie', data: rows.map((r) => BigInt(r.winner === 'tie' ? 1 : 0)), type: 'INT64' as const },
  ].filter((column) => !options.omit?.includes(column.name));
  return new Uint8Array(parquetWriteBuffer({ columnData: columns, rowGroupSize: options.rowGroupSize ?? 1000 }));
}

/**
 * A parquet file like routellm/arena_battles_embeddings: one column `embeddings`, a list of
 * doubles per row, in pyarrow's three-level LIST layout (`embeddings.list.element`).
 */
export function embeddingsParquet(vectors: readonly (readonly number[])[], options: { rowGroupSize?: number; type?: 'DOUBLE' | 'FLOAT' } = {}): Uint8Array {
  return new Uint8Array(
    parquetWriteBuffer({
      columnData: [{ name: 'embeddings', data: vectors.map((v) => [...v]) }],
      schema: [
        { name: 'schema', num_children: 1 },
        { name: 'embeddings', repetition_type: 'OPTIONAL', num_children: 1, converted_type: 'LIST' },
        { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
        { name: 'element', type: options.type ?? 'DOUBLE', repetition_type: 'OPTIONAL' },
      ],
      rowGroupSize: options.rowGroupSize ?? 1000,
    }),
  );
}
