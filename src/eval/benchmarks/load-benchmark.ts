import { UsageError } from '../../core/index.js';
import type { BenchmarkData } from './benchmark-data.js';
import { loadCsvBenchmark } from './csv-file.js';
import { loadGsm8k } from './gsm8k.js';
import { loadMmlu } from './mmlu.js';
import { loadMtBench } from './mt-bench.js';

/** The benchmarks known by name; anything ending in `.csv` is a user's file. */
export const NAMED_BENCHMARKS = ['mt-bench', 'mmlu', 'gsm8k'] as const;

/** What to load. `dataDir` is resolved lazily: a CSV benchmark needs none. */
export interface BenchmarkRequest {
  readonly benchmark: string;
  readonly dataDir: () => string;
  readonly strongModel: string;
  readonly weakModel: string;
  /** Resolves a CSV path against the working directory. */
  readonly resolvePath: (path: string) => string;
}

/** Loads the named benchmark or CSV file. */
export async function loadBenchmark(request: BenchmarkRequest): Promise<BenchmarkData> {
  const models = { strongModel: request.strongModel, weakModel: request.weakModel };
  switch (request.benchmark) {
    case 'mmlu':
      return loadMmlu({ dataDir: request.dataDir(), ...models });
    case 'gsm8k':
      return loadGsm8k({ dataDir: request.dataDir(), ...models });
    case 'mt-bench':
      return loadMtBench({ dataDir: request.dataDir(), ...models });
    default:
      if (request.benchmark.toLowerCase().endsWith('.csv')) return loadCsvBenchmark(request.resolvePath(request.benchmark), models);
      throw new UsageError(`unknown benchmark "${request.benchmark}": use ${NAMED_BENCHMARKS.join(', ')} or a FILE.csv`);
  }
}
