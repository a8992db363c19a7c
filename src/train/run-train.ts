import { dirname, resolve } from 'node:path';
import { DEFAULT_MODEL_PAIR, UsageError } from '../core/index.js';
import { encodeMfWeights, type MfConfig } from '../routers/mf/mf-checkpoint.js';
import { modelIndex, pairDirection, winRate } from '../routers/mf/mf-model.js';
import { defaultMfEmbedderResolver } from '../routers/mf/mf-router.js';
import { nodeRouterContext } from '../runtime/node-router-context.js';
import { battleTarget, type DeclaredPair, type TieRule, type TrainingBattle } from './battle.js';
import { battleMetrics, formatHeldOutMetrics, heldOutApgr, routingFigures, type HeldOutMetrics } from './heldout-metrics.js';
import { renderModelCard } from './model-card.js';
import { readExcludedPrompts, readTrainingData } from './read-training-data.js';
import { seededRandom } from './seeded-random.js';
import { DEFAULT_MF_TRAIN_OPTIONS, trainMf, type IndexedBattle, type MfTrainOptions } from './train-mf.js';
import type { LexicalTrainOptions } from './train-lexical.js';
import type { KnnTrainOptions } from './train-knn.js';
import { embedPrompts } from './embed-prompts.js';
import { checkTrainOut, TRAINED_FILES, writeTrainedFiles } from './train-out-dir.js';
import { mmluSplitOf } from '../eval/mmlu-split.js';

/** Options of one training run, resolved from flags. */
export interface TrainOptions {
  readonly router: 'mf' | 'sw_ranking' | 'lexical' | 'difficulty' | 'knn';
  readonly data: readonly string[];
  readonly out: string;
  /** Replace the router of the same kind `out` holds (`--force`); without it such an `out` is refused. */
  readonly force?: boolean;
  readonly exclude: readonly string[];
  /** File names left out of `data` by --skip-file (already removed; recorded in the model card). */
  readonly skipped?: readonly string[];
  readonly aliases: ReadonlyMap<string, string>;
  readonly models?: readonly string[];
  readonly embedder: string;
  /** `sha1`: first byte of sha1(prompt) even = train, odd = held out; `random`: seeded share; `none`. */
  readonly split: 'sha1' | 'random' | 'none';
  readonly holdout: number;
  /** Unset: the pair the battles name (strong_model/weak_model, as label writes), else DEFAULT_MODEL_PAIR. */
  readonly strongModel?: string;
  readonly weakModel?: string;
  readonly hyper: MfTrainOptions;
  readonly lexical?: LexicalTrainOptions;
  readonly knn?: KnnTrainOptions;
  /** mf: `battles` (a routed pair, today's) or `success` (each model's score: a router over the --models list). */
  readonly target?: 'battles' | 'success';
  /** lexical: a shipped router whose scale the scores are mapped onto (see lexical-model.ts). */
  readonly alignTo?: string;
  /**
   * What a tie teaches: `half` (target 0.5), `drop` (RouteLLM drops ties), or `weak` (a tie is
   * a win for the weak model, so the strong model "wins" only when it alone did better: the
   * label that generalised best from MMLU to chat prompts, see datasets/mf/MODEL_CARD.md).
   */
  readonly ties: TieRule;
  /** The command line, recorded in the model card. */
  readonly command: string;
  readonly notes?: string;
}

/** Where the run writes progress and the final summary. */
export interface TrainIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly fetch: typeof globalThis.fetch;
}

/** What a run produced. */
export interface TrainResult {
  readonly files: string[];
  readonly metrics: HeldOutMetrics | null;
}

/** Training options once the routed pair is known. */
export type ResolvedTrainOptions = TrainOptions & { readonly strongModel: string; readonly weakModel: string };

/**
 * The routed pair: each of --strong-model/--weak-model, else the pair the battles name in
 * strong_model/weak_model (routellm label's output), else RouteLLM's pair. Battles that name
 * more than one pair leave the choice to the flags.
 */
function routedPair(options: TrainOptions, declared: readonly DeclaredPair[], io: TrainIo): { strongModel: string; weakModel: string } {
  if (options.strongModel !== undefined && options.weakModel !== undefined) return { strongModel: options.strongModel, weakModel: options.weakModel };
  if (declared.length > 1) {
    const named = declared.map((p) => `${p.strong} vs ${p.weak} (${p.source})`).join(', ');
    throw new UsageError(`the battles name ${declared.length} routed pairs: ${named}; choose one with --strong-model and --weak-model`);
  }
  const pair = declared[0];
  if (pair) io.stderr.write(`routed pair from the battles' strong_model/weak_model: strong ${options.strongModel ?? pair.strong}, weak ${options.weakModel ?? pair.weak}\n`);
  return {
    strongModel: options.strongModel ?? pair?.strong ?? DEFAULT_MODEL_PAIR.strong,
    weakModel: options.weakModel ?? pair?.weak ?? DEFAULT_MODEL_PAIR.weak,
  };
}

function isHeldOut(prompt: string, options: TrainOptions, randomHeldOut: Set<string>): boolean {
  if (options.split === 'none') return false;
  // The same split `routellm eval --split eval` scores on: one definition, or the halves drift.
  if (options.split === 'sha1') return mmluSplitOf(prompt) === 'eval';
  return randomHeldOut.has(prompt);
}

/**
 * Held-out APGR is reported per file, except that a directory of ten or more files (MMLU's 57
 * domain files) is pooled into one figure, as the benchmark is.
 */
function groupLabel(source: string, resolved: readonly string[], given: readonly string[]): string {
  const dir = dirname(source);
  const siblings = resolved.filter((p) => dirname(p) === dir).length;
  const label = given[resolved.indexOf(source)] ?? source;
  return siblings >= 10 ? `${dirname(label)}/ (${siblings} files)` : label;
}

/**
 * `routellm train`: reads battles and score tables, splits prompts into train and held out,
 * embeds them, fits the router, prints held-out metrics, and writes weights + config +
 * MODEL_CARD.md into `out` atomically, as one set. Deterministic for a seed and the same files.
 */
export async function runTrain(given: TrainOptions, io: TrainIo): Promise<TrainResult> {
  const out = resolve(io.cwd, given.out);
  // Training can take minutes: a --out that cannot take the files is found out first.
  await checkTrainOut(out, given.router, given.force === true);
  const data = given.data.map((p) => resolve(io.cwd, p));
  const excluded = await readExcludedPrompts(given.exclude.map((p) => resolve(io.cwd, p)));
  if (given.skipped?.length) io.stderr.write(`leaving out (--skip-file): ${given.skipped.join(', ')}\n`);
  io.stderr.write(`reading ${data.length} data file(s)\n`);
  if (given.router === 'knn') {
    const [{ runMultiTraining }, { knnLearner, DEFAULT_KNN_TRAIN_OPTIONS }] = await Promise.all([import('./run-multi-training.js'), import('./train-knn.js')]);
    return runMultiTraining({ options: given, io, out, data, excluded, learner: knnLearner(given.knn ?? DEFAULT_KNN_TRAIN_OPTIONS) });
  }
  if (given.router === 'mf' && given.target === 'success') {
    const [{ runMultiTraining }, { mfSuccessLearner }] = await Promise.all([import('./run-multi-training.js'), import('./train-mf-success.js')]);
    const context = nodeRouterContext({ env: io.env, cwd: io.cwd, fetch: io.fetch, stderr: io.stderr });
    return runMultiTraining({ options: given, io, out, data, excluded, learner: mfSuccessLearner(given.hyper, given.embedder, context) });
  }
  if (given.router === 'difficulty') {
    const { runDifficultyTraining } = await import('./run-difficulty-training.js');
    const options = { ...given, strongModel: given.strongModel ?? DEFAULT_MODEL_PAIR.strong, weakModel: given.weakModel ?? DEFAULT_MODEL_PAIR.weak };
    return runDifficultyTraining({ options, io, out, data, excluded, context: nodeRouterContext({ env: io.env, cwd: io.cwd, fetch: io.fetch }) });
  }
  const { battles, scored, declaredPairs } = await readTrainingData(data, {
    aliases: given.aliases,
    ...(given.models ? { models: given.models } : {}),
    exclude: excluded,
  });
  const options: ResolvedTrainOptions = { ...given, ...routedPair(given, declaredPairs, io) };
  const prompts = [...new Set(battles.map((b) => b.prompt))];
  const randomHeldOut = new Set<string>();
  if (options.split === 'random') {
    const shuffled = seededRandom(options.hyper.seed).shuffle([...prompts].sort());
    shuffled.slice(0, Math.round(shuffled.length * options.holdout)).forEach((p) => randomHeldOut.add(p));
  }
  const heldOut = (p: string) => isHeldOut(p, options, randomHeldOut);
  const scoredHeldOut = () => scored.filter((s) => heldOut(s.prompt)).map((s) => ({ ...s, source: groupLabel(s.source, data, options.data) }));
  const target = (b: TrainingBattle) => battleTarget(b, options.ties, options.weakModel);
  const trainBattles = battles.filter((b) => !heldOut(b.prompt) && (options.ties !== 'drop' || b.winner !== 'tie'));
  const testBattles = battles.filter((b) => heldOut(b.prompt));
  if (trainBattles.length === 0) throw new UsageError('the split leaves no training battles; use --split none');
  const models = [...new Set(battles.flatMap((b) => [b.modelA, b.modelB]))].sort();
  io.stderr.write(
    `${battles.length} battles over ${prompts.length} prompts and ${models.length} models; train ${trainBattles.length}, held out ${testBattles.length} (${options.split} split)\n`,
  );
  for (const name of [options.strongModel, options.weakModel]) {
    if (!models.includes(name)) throw new UsageError(`--${name === options.strongModel ? 'strong' : 'weak'}-model "${name}" is not in the data; models: ${models.join(', ')}`);
  }

  const context = nodeRouterContext({ env: io.env, cwd: io.cwd, fetch: io.fetch, stderr: io.stderr });
  const cardBase = (embedderId: string) => ({
    router: options.router,
    command: options.command,
    dataFiles: options.data,
    excludeFiles: options.exclude,
    skippedFiles: options.skipped ?? [],
    embedder: embedderId,
    split:
      options.split === 'sha1'
        ? 'held out = prompts whose sha1 (UTF-8) first byte is odd (the MMLU eval half); train = even'
        : options.split === 'random'
          ? `held out = a seeded random ${Math.round(options.holdout * 100)}% of prompts (seed ${options.hyper.seed})`
          : 'none: every prompt trains',
    trainPrompts: new Set(trainBattles.map((b) => b.prompt)).size,
    // Every prompt on the training side, tied battles dropped by --ties drop included: the run saw them.
    trainedPrompts: prompts.filter((p) => !heldOut(p)),
    heldOutPrompts: new Set(testBattles.map((b) => b.prompt)).size,
    trainBattles: trainBattles.length,
    heldOutBattles: testBattles.length,
    models,
    strongModel: options.strongModel,
    weakModel: options.weakModel,
    ...(options.notes ? { notes: options.notes } : {}),
  });

  if (options.router === 'lexical') {
    const { runLexicalTraining } = await import('./run-lexical-training.js');
    return runLexicalTraining({ options, io, out, context, trainBattles, testBattles, heldOutScored: scoredHeldOut(), cardBase });
  }

  const embedder = await defaultMfEmbedderResolver(options.embedder, context, 'train');
  const card = cardBase(embedder.id);

  if (options.router === 'sw_ranking') {
    const { runSwRankingTraining } = await import('./run-sw-ranking-training.js');
    return runSwRankingTraining({ options, io, out, embedder, trainBattles, testBattles, heldOutScored: scoredHeldOut(), card });
  }

  const trainPrompts = [...new Set(trainBattles.map((b) => b.prompt))];
  const testPrompts = [...new Set(testBattles.map((b) => b.prompt))];
  const allPrompts = [...trainPrompts, ...testPrompts];
  const row = new Map(allPrompts.map((p, i) => [p, i]));
  const embeddings = await embedPrompts(embedder, allPrompts, io.stderr);
  const index = new Map(models.map((m, i) => [m, i]));
  const indexed = (b: TrainingBattle): IndexedBattle => ({ prompt: row.get(b.prompt)!, a: index.get(b.modelA)!, b: index.get(b.modelB)!, target: target(b) });
  const started = Date.now();
  const model = trainMf({
    embeddings,
    textDim: embedder.dim,
    modelNames: models,
    battles: trainBattles.map(indexed),
    hyper: options.hyper,
    onEpoch: (epoch, loss) => {
      if (epoch === 1 || epoch % 5 === 0 || epoch === options.hyper.epochs) {
        io.stderr.write(`epoch ${epoch}/${options.hyper.epochs}: train loss ${loss.toFixed(4)} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
      }
    },
  });

  let metrics: HeldOutMetrics | null = null;
  if (testBattles.length > 0) {
    const dim = embedder.dim;
    const vector = (p: string) => embeddings.subarray(row.get(p)! * dim, (row.get(p)! + 1) * dim);
    const predictions = testBattles.map((b) => winRate(pairDirection(model, index.get(b.modelA)!, index.get(b.modelB)!), vector(b.prompt)));
    const direction = pairDirection(model, modelIndex(model, options.strongModel, 'train'), modelIndex(model, options.weakModel, 'train'));
    const rates = new Map(testPrompts.map((p) => [p, winRate(direction, vector(p))]));
    const oriented = (b: TrainingBattle) => ({ modelA: b.modelA, modelB: b.modelB, target: target(b) });
    metrics = {
      battles: testBattles.length,
      unit: 'battles',
      ...battleMetrics(predictions, testBattles.map(target)),
      routing: routingFigures(trainBattles.map(oriented), testBattles.map(oriented), predictions, options.strongModel, options.weakModel),
      apgr: heldOutApgr(
        scoredHeldOut(),
        rates,
        options.strongModel,
        options.weakModel,
      ),
    };
  }

  const config: MfConfig = {
    dim: model.dim,
    num_models: models.length,
    text_dim: model.textDim,
    num_classes: 1,
    use_proj: true,
    model_names: models,
    embedder: embedder.id,
    strong_model: options.strongModel,
    weak_model: options.weakModel,
  };
  const weights = encodeMfWeights(model);
  const [weightsName, configName, cardName] = TRAINED_FILES.mf as [string, string, string];
  const files = await writeTrainedFiles(out, [
    [weightsName, weights],
    [configName, `${JSON.stringify(config, null, 2)}\n`],
    [cardName, renderModelCard({ ...card, hyper: { ...options.hyper, ties: options.ties }, metrics })],
  ]);
  if (metrics) io.stdout.write(formatHeldOutMetrics(metrics));
  io.stdout.write(`wrote ${files.join(', ')}\n`);
  return { files, metrics };
}

export { DEFAULT_MF_TRAIN_OPTIONS };
