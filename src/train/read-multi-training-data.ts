import { boundedRoutingText } from '../core/index.js';
import { loadMultiBenchmark } from '../eval/multi/load-multi-benchmark.js';
import type { MultiBenchmark } from '../eval/multi/multi-benchmark.js';

/** Score tables over a list of models, one per --data file, with the rows a contamination list drops left out. */
export interface MultiTrainingData {
  /** One benchmark per file, prompts as their bounded routing text (what routers see). */
  readonly files: readonly MultiBenchmark[];
  /** Rows dropped as contaminated, over all files. */
  readonly excluded: number;
}

/**
 * Reads `--data` score tables in RouterBench's layout for the `--models` list (see
 * loadMultiBenchmark: one score column per model and `<model>|total_cost`), one benchmark per
 * file, each prompt as its bounded routing text, as it is routed and as the model card declares it.
 */
export async function readMultiTrainingData(paths: readonly string[], models: readonly string[], exclude: ReadonlySet<string>): Promise<MultiTrainingData> {
  const files: MultiBenchmark[] = [];
  let excluded = 0;
  for (const path of paths) {
    const loaded = await loadMultiBenchmark(path, models);
    const keep = loaded.prompts.map((prompt) => !exclude.has(prompt));
    excluded += keep.filter((k) => !k).length;
    const m = models.length;
    const rows = keep.flatMap((k, i) => (k ? [i] : []));
    files.push({
      ...loaded,
      prompts: rows.map((i) => boundedRoutingText(loaded.prompts[i] as string)),
      scores: Float64Array.from(rows.flatMap((i) => [...loaded.scores.subarray(i * m, (i + 1) * m)])),
      costs: Float64Array.from(rows.flatMap((i) => [...loaded.costs.subarray(i * m, (i + 1) * m)])),
    });
  }
  return { files, excluded };
}
