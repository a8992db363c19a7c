/**
 * A benchmark over a list of models (RouterBench's layout): for every prompt, each model's
 * score and the cost of its answer. Matrices are row-major, `prompts.length x models.length`.
 */
export interface MultiBenchmark {
  /** Short name used in file names: the CSV's base name. */
  readonly name: string;
  /** Human title for tables and plots. */
  readonly title: string;
  /** The text each prompt is routed on (RouterBench's list literals unwrapped). */
  readonly prompts: readonly string[];
  /** The models, as listed by `--models`: cheapest to strongest; the last is the reference. */
  readonly models: readonly string[];
  /** Scores: 0/1 for True/False or 0.0/1.0 columns (then shown as percentages), or any numbers. */
  readonly scores: Float64Array;
  /** USD per prompt for each model's answer. */
  readonly costs: Float64Array;
  /** 100 when every score is 0 or 1 (percent correct), else 1 (mean score). */
  readonly scale: 100 | 1;
  /** Where each model's costs came from. */
  readonly costSources: readonly ('column' | 'prices')[];
  /** Facts worth a line on stderr: rows dropped, costs estimated, the split. */
  readonly notes: readonly string[];
}

/** The benchmark restricted to the rows `keep` accepts, with a new title and one more note. */
export function selectMultiRows(benchmark: MultiBenchmark, keep: readonly boolean[], title: string, note: string): MultiBenchmark {
  const m = benchmark.models.length;
  const rows = keep.flatMap((kept, index) => (kept ? [index] : []));
  const pick = (matrix: Float64Array) => {
    const out = new Float64Array(rows.length * m);
    rows.forEach((row, i) => out.set(matrix.subarray(row * m, (row + 1) * m), i * m));
    return out;
  };
  return {
    ...benchmark,
    title,
    prompts: rows.map((row) => benchmark.prompts[row] as string),
    scores: pick(benchmark.scores),
    costs: pick(benchmark.costs),
    notes: [...benchmark.notes, note],
  };
}

/** Each model's mean over the rows of a row-major matrix. */
export function columnMeans(matrix: Float64Array, models: number): Float64Array {
  const rows = matrix.length / models;
  const out = new Float64Array(models);
  for (let r = 0; r < rows; r += 1) for (let m = 0; m < models; m += 1) out[m]! += matrix[r * models + m]!;
  for (let m = 0; m < models; m += 1) out[m] = rows > 0 ? out[m]! / rows : Number.NaN;
  return out;
}
