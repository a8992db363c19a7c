import { UsageError, type ModelScorer } from '../core/index.js';
import { evaluateMulti, type MultiEvalReport } from '../eval/multi/evaluate-multi.js';
import { columnMeans, selectMultiRows, type MultiBenchmark } from '../eval/multi/multi-benchmark.js';
import { mmluSplitOf } from '../eval/mmlu-split.js';

import { heldOutAiqLine, renderMultiModelCard } from './multi-model-card.js';
import { readMultiTrainingData } from './read-multi-training-data.js';
import type { TrainIo, TrainOptions, TrainResult } from './run-train.js';
import { writeTrainedFiles } from './train-out-dir.js';

/** Shuffles of the router's scores behind each held-out AIQ's spread. */
const SHUFFLE_DRAWS = 200;

/** Training rows of every file, stacked: the prompts, their scores and costs, row-major over the models. */
export interface MultiTrainingRows {
  readonly prompts: readonly string[];
  readonly scores: Float64Array;
  readonly costs: Float64Array;
  readonly models: readonly string[];
}

/** What a learner over a list of models returns: the scorer (for the held-out figures) and its files. */
export interface FittedMultiRouter {
  readonly scorer: ModelScorer;
  readonly files: readonly (readonly [name: string, data: Uint8Array | string])[];
  /** The features or embedder, for the card. */
  readonly features: string;
  readonly hyper: Readonly<Record<string, unknown>>;
  /** How the learner predicts and how its settings were chosen, for the card. */
  readonly recipe?: string;
}

/** A learner: fits on the training rows (the files it writes hold `meanCostUsd`). */
export type MultiLearner = (rows: MultiTrainingRows, meanCostUsd: readonly number[], io: TrainIo) => Promise<FittedMultiRouter>;

/** Stacks the rows `keep` accepts from every file. */
function stack(files: readonly MultiBenchmark[], keep: (prompt: string) => boolean): MultiTrainingRows {
  const models = files[0]!.models;
  const m = models.length;
  const prompts: string[] = [];
  const scores: number[] = [];
  const costs: number[] = [];
  for (const file of files) {
    file.prompts.forEach((prompt, r) => {
      if (!keep(prompt)) return;
      prompts.push(prompt);
      for (let c = 0; c < m; c += 1) {
        scores.push(file.scores[r * m + c] as number);
        costs.push(file.costs[r * m + c] as number);
      }
    });
  }
  return { prompts, scores: Float64Array.from(scores), costs: Float64Array.from(costs), models };
}

/**
 * `routellm train` for a router over a list of models (`--router knn`, `--router mf --target
 * success`): reads score tables in RouterBench's layout for `--models`, splits prompts by the sha1
 * split (or none), fits, evaluates each file's held-out rows as `eval --models` does (AIQ beside the
 * zero router, the oracle and the router's own scores shuffled), and writes the files and a model
 * card that declares the training prompts, atomically.
 */
export async function runMultiTraining(run: {
  options: TrainOptions;
  io: TrainIo;
  out: string;
  data: readonly string[];
  excluded: ReadonlySet<string>;
  learner: MultiLearner;
}): Promise<TrainResult> {
  const { options, io } = run;
  const models = options.models;
  if (!models || models.length < 2) throw new UsageError(`--router ${options.router}${options.router === 'mf' ? ' --target success' : ''} routes a list of models: name them, cheapest to strongest, with --models a,b,c`);
  if (options.split === 'random') throw new UsageError('--split random is not available for a router over a list of models: use sha1 (the split eval knows) or none');
  const { files, excluded } = await readMultiTrainingData(run.data, models, run.excluded);
  for (const file of files) for (const note of file.notes) io.stderr.write(`${note}\n`);
  if (excluded > 0) io.stderr.write(`${excluded} prompts left out as contaminated (--exclude)\n`);
  const heldOut = (prompt: string) => options.split === 'sha1' && mmluSplitOf(prompt) === 'eval';
  const train = stack(files, (prompt) => !heldOut(prompt));
  if (train.prompts.length === 0) throw new UsageError('the split leaves no training prompts; use --split none');
  const heldOutCount = files.reduce((sum, file) => sum + file.prompts.filter(heldOut).length, 0);
  io.stderr.write(`${train.prompts.length + heldOutCount} prompts over ${models.length} models; train ${train.prompts.length}, held out ${heldOutCount} (${options.split} split)\n`);
  const meanCostUsd = [...columnMeans(train.costs, models.length)];
  const fitted = await run.learner(train, meanCostUsd, io);

  const reports: { file: string; report: MultiEvalReport }[] = [];
  for (const [index, file] of files.entries()) {
    const keep = file.prompts.map(heldOut);
    if (!keep.some(Boolean)) continue;
    const label = options.data[index] ?? file.title;
    const benchmark = selectMultiRows(file, keep, `${file.title} (held out)`, 'held out');
    const report = await evaluateMulti({ benchmark, routers: [{ name: options.router, scorer: fitted.scorer }], numResults: 10, shuffleDraws: SHUFFLE_DRAWS });
    reports.push({ file: label, report });
    io.stdout.write(`held out ${heldOutAiqLine(label, report, benchmark.scale).slice(2)}\n`);
  }
  const card = renderMultiModelCard({
    router: options.router,
    command: options.command,
    dataFiles: options.data,
    excludeFiles: options.exclude,
    features: fitted.features,
    split: options.split === 'sha1' ? 'held out = prompts whose sha1 (UTF-8) first byte is odd (the eval half); train = even' : 'none: every prompt trains',
    trainPrompts: train.prompts.length,
    heldOutPrompts: heldOutCount,
    models,
    meanCostUsd,
    hyper: fitted.hyper,
    heldOut: reports,
    ...(fitted.recipe || options.notes ? { notes: [fitted.recipe, options.notes].filter(Boolean).join('\n\n') } : {}),
    trainedPrompts: train.prompts,
  });
  const written = await writeTrainedFiles(run.out, [...fitted.files, ['MODEL_CARD.md', card]]);
  io.stdout.write(`wrote ${written.join(', ')}\n`);
  return { files: written, metrics: null };
}
