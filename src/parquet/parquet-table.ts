import { ConfigError } from '../core/index.js';

// hyparquet (pure JS) and its decompressors load only when a router reads parquet: `route` with
// the default router never pays for them.
type Hyparquet = typeof import('hyparquet');
let loaded: Promise<{ hyparquet: Hyparquet; compressors: import('hyparquet').Compressors }> | undefined;
function load() {
  loaded ??= Promise.all([import('hyparquet'), import('hyparquet-compressors')]).then(([hyparquet, extra]) => ({
    hyparquet,
    // SNAPPY is built in; ZSTD, GZIP, BROTLI and LZ4, which parquet writers also use, come from here.
    compressors: extra.compressors as import('hyparquet').Compressors,
  }));
  return loaded;
}

/** Parquet bytes as hyparquet's AsyncBuffer, without copying the whole file. */
function asyncBuffer(bytes: Uint8Array): import('hyparquet').AsyncBuffer {
  return {
    byteLength: bytes.byteLength,
    slice: (start, end) => bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + (end ?? bytes.byteLength)) as ArrayBuffer,
  };
}

/** An opened parquet file: its metadata and top-level column names, or a ConfigError naming `source`. */
async function openParquet(bytes: Uint8Array, source: string, where: string) {
  const { hyparquet, compressors } = await load();
  const file = asyncBuffer(bytes);
  let metadata: import('hyparquet').FileMetaData;
  try {
    metadata = await hyparquet.parquetMetadataAsync(file);
  } catch (error) {
    throw new ConfigError(`${where}: ${source} is not a readable parquet file (${(error as Error).message})`);
  }
  const columns = hyparquet.parquetSchema(metadata).children.map((child) => child.element.name);
  return { hyparquet, compressors, file, metadata, columns, rows: Number(metadata.num_rows) };
}

function requireColumns(found: readonly string[], wanted: readonly string[], source: string, where: string, what: string): void {
  const missing = wanted.filter((column) => !found.includes(column));
  if (missing.length > 0) {
    throw new ConfigError(`${where}: ${source} has no column ${missing.join(', ')}; ${what} needs ${wanted.join(', ')} (it has ${found.join(', ') || 'none'})`);
  }
}

/**
 * Reads the named top-level columns of a parquet file, whole, as arrays of values (strings,
 * numbers, bigints for INT64). A file that is not parquet, or lacks a column, is a ConfigError
 * naming it; `what` says who needs the columns.
 */
export async function readParquetColumns(
  bytes: Uint8Array,
  wanted: readonly string[],
  options: { source: string; where: string; what: string },
): Promise<Record<string, unknown[]>> {
  const { hyparquet, compressors, file, metadata, columns } = await openParquet(bytes, options.source, options.where);
  requireColumns(columns, wanted, options.source, options.where, options.what);
  let rows: Record<string, unknown>[];
  try {
    rows = await hyparquet.parquetReadObjects({ file, metadata, columns: [...wanted], compressors });
  } catch (error) {
    throw new ConfigError(`${options.where}: ${options.source} is not a readable parquet file (${(error as Error).message})`);
  }
  return Object.fromEntries(wanted.map((column) => [column, rows.map((row) => row[column])]));
}

/**
 * Reads a list-of-numbers column (`embeddings`) into one row-major Float32Array, a row group at
 * a time, so only one group's JS arrays live at once (the 1536-d embeddings of 55k battles are
 * 340 MB as float32, several times that as JS arrays). Every row must have the same length.
 */
export async function readParquetVectors(
  bytes: Uint8Array,
  column: string,
  options: { source: string; where: string; what: string },
): Promise<{ rows: number; dim: number; data: Float32Array }> {
  const { hyparquet, compressors, file, metadata, columns, rows } = await openParquet(bytes, options.source, options.where);
  requireColumns(columns, [column], options.source, options.where, options.what);
  let data: Float32Array | undefined;
  let dim = 0;
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    let chunk: unknown[][] = [];
    try {
      await hyparquet.parquetRead({ file, metadata, columns: [column], rowStart, rowEnd, compressors, onComplete: (read) => (chunk = read) });
    } catch (error) {
      throw new ConfigError(`${options.where}: ${options.source} is not a readable parquet file (${(error as Error).message})`);
    }
    chunk.forEach(([vector], offset) => {
      const row = rowStart + offset;
      if (!Array.isArray(vector) && !ArrayBuffer.isView(vector)) {
        throw new ConfigError(`${options.where}: ${options.source} row ${row + 1}: column ${column} is not a list of numbers`);
      }
      const values = vector as ArrayLike<unknown>;
      if (data === undefined) {
        dim = values.length;
        if (dim === 0) throw new ConfigError(`${options.where}: ${options.source} row 1: column ${column} is empty`);
        data = new Float32Array(rows * dim);
      }
      if (values.length !== dim) {
        throw new ConfigError(`${options.where}: ${options.source} row ${row + 1}: ${column} has ${values.length} values, the first row ${dim}`);
      }
      for (let k = 0; k < dim; k++) {
        const value = values[k];
        if (typeof value !== 'number' || !Number.isFinite(value)) {
          throw new ConfigError(`${options.where}: ${options.source} row ${row + 1}: ${column} holds a value that is not a finite number`);
        }
        data[row * dim + k] = value;
      }
    });
    rowStart = rowEnd;
  }
  return { rows, dim, data: data ?? new Float32Array(0) };
}
