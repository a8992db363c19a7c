import { UsageError, type RouterContext } from '../core/index.js';
import { quantileGrid } from '../calibrate/calibration-table.js';
import { useStaticEmbedder } from '../embed/offline-embedders.js';
import { mmluSplitOf } from '../eval/mmlu-split.js';
import { readCheckpointFiles } from '../routers/checkpoint-files.js';
import { encodeDifficultyCheckpoint, DIFFICULTY_FEATURES_ID } from '../routers/difficulty/difficulty-checkpoint.js';
import { difficultyInput, type DifficultyInput } from '../routers/difficulty/difficulty-features.js';
import { difficultyWinRate, type QuantileMap } from '../routers/difficulty/difficulty-model.js';
import { difficultyScorer, goesToLexical } from '../routers/difficulty/difficulty-router.js';
import { decodeLexicalCheckpoint } from '../routers/lexical/lexical-checkpoint.js';
import { rawProbability } from '../routers/lexical/lexical-model.js';
import { DEFAULT_LEXICAL_DIR } from '../routers/lexical/lexical-router.js';
import type { ScoredPrompt } from './battle.js';
import { formatHeldOutMetrics, heldOutApgr, type HeldOutMetrics } from './heldout-metrics.js';
import { renderModelCard } from './model-card.js';
import { readDifficultyData } from './read-difficulty-data.js';
import type { ResolvedTrainOptions, TrainIo, TrainResult } from './run-train.js';
import { DEFAULT_DIFFICULTY_TRAIN_OPTIONS, trainDifficulty } from './train-difficulty.js';
import { TRAINED_FILES, writeTrainedFiles } from './train-out-dir.js';

/** What the model card says about the recipe, whatever the data (the figures follow it). */
const RECIPE = `## Recipe
- Targets: score tables 1 when the strong model alone is right (else 0); item difficulty the share of
  its small models that failed; worked problems the percentile of their step count within the file;
  hard prompts 1.
- Model: logistic regression over the focus text's structure features and use-static embedding
  (standardised), one intercept per source, each source weighing the same; the bias is the mean
  intercept. The learned logit is clipped to the training prompts' 0.5%-99.5% range.
- Fixed terms: the hand-set task prior (src/routers/difficulty/task-prior.ts: word groups for proof,
  design, optimise and analysis, the same in seven other languages, a rewrite request without any
  reasoning asked for, a short ask about pasted material, and a 0/1 formal-notation flag; the last
  four get no learned weight) times prior_weight; content shrink n / (n + shrink_k) toward the
  training logits' floor quantile.
- Multiple-choice questions asked on their own go to the shipped lexical expert, mapped onto this
  scale by 101 quantiles over the training prompts that take that path.
- Held-out figures below are the odd-sha1 halves; leave-one-domain-out figures and the research log
  are in datasets/README.md.`;

/** Quantiles kept to map the lexical expert's scores onto this router's scale. */
const ALIGNMENT_LEVELS = 101;

/**
 * `routellm train --router difficulty`: reads score tables, item difficulties, worked problems
 * and hard prompts; fits on the train half (sha1 split); maps the shipped lexical expert onto
 * the new scale over the training multiple-choice prompts; reports held-out APGR per source.
 */
export async function runDifficultyTraining(run: {
  options: ResolvedTrainOptions;
  io: TrainIo;
  out: string;
  data: readonly string[];
  excluded: ReadonlySet<string>;
  context: RouterContext;
}): Promise<TrainResult> {
  const { options, io } = run;
  if (options.split === 'random') throw new UsageError('--router difficulty splits by sha1 (or none): held-out halves must match eval --split eval');
  const hyper = DEFAULT_DIFFICULTY_TRAIN_OPTIONS;
  const examples = await readDifficultyData(run.data, {
    strongModel: options.strongModel,
    weakModel: options.weakModel,
    aliases: options.aliases,
    exclude: run.excluded,
  });
  const heldOut = (prompt: string) => options.split === 'sha1' && mmluSplitOf(prompt) === 'eval';
  const train = examples.filter((e) => !heldOut(e.prompt));
  const test = examples.filter((e) => heldOut(e.prompt));
  if (train.length === 0) throw new UsageError('the split leaves no training prompts; use --split none');
  const sourceNames = [...new Set(train.map((e) => e.source))].sort();
  io.stderr.write(`${examples.length} prompts from ${sourceNames.length} sources; train ${train.length}, held out ${test.length}\n`);

  const embedder = await useStaticEmbedder();
  const inputs = new Map<string, DifficultyInput>();
  for (const e of examples) inputs.set(e.prompt, difficultyInput(e.prompt, embedder.embedOne));
  const dim = inputs.get(train[0]!.prompt)!.features.length;
  const features = new Float32Array(train.length * dim);
  train.forEach((e, r) => features.set(inputs.get(e.prompt)!.features, r * dim));
  const started = Date.now();
  const model = trainDifficulty(
    {
      features,
      dim,
      targets: Float64Array.from(train, (e) => e.target),
      sources: Int32Array.from(train, (e) => sourceNames.indexOf(e.source)),
      sourceCount: sourceNames.length,
    },
    hyper,
    (iteration, loss) => {
      if (iteration % 100 === 0) io.stderr.write(`iteration ${iteration}: loss ${loss.toFixed(5)} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
    },
  );

  // The multiple-choice expert: the shipped lexical weights, mapped onto this router's scale.
  const lexicalFiles = await readCheckpointFiles('lexical', {}, run.context, DEFAULT_LEXICAL_DIR);
  const lexical = decodeLexicalCheckpoint(lexicalFiles.weights, lexicalFiles.config, { weights: lexicalFiles.weightsPath, config: lexicalFiles.configPath }).model;
  const choice = train.filter((e) => goesToLexical(e.prompt));
  if (choice.length < 2) throw new UsageError('difficulty training needs multiple-choice prompts (e.g. MMLU) to map the lexical expert onto its scale');
  const ascending = (values: number[]) => Float64Array.from(values).sort();
  const multipleChoice: QuantileMap = {
    raw: Float64Array.from(quantileGrid(ascending(choice.map((e) => rawProbability(lexical, e.prompt))), ALIGNMENT_LEVELS)),
    aligned: Float64Array.from(quantileGrid(ascending(choice.map((e) => difficultyWinRate(model, inputs.get(e.prompt)!))), ALIGNMENT_LEVELS)),
  };

  let metrics: HeldOutMetrics | null = null;
  if (test.length > 0) {
    const score = difficultyScorer({ model, multipleChoice }, lexical, embedder.embedOne);
    const { strongModel: strong, weakModel: weak } = options;
    // Worked problems (a step-count proxy) and hard prompts (one class) have no gap to recover.
    const labelled = test.filter((e) => e.kind === 'score-table' || e.kind === 'item-difficulty');
    const scored: ScoredPrompt[] = labelled.map((e) => ({
      prompt: e.prompt,
      source: e.source,
      // Item difficulty: the weak side is the small models' mean, the strong side always right.
      scores: new Map(e.strong !== undefined ? [[strong, e.strong], [weak, e.weak!]] : [[strong, 1], [weak, 1 - e.target]]),
    }));
    const rates = new Map(labelled.map((e) => [e.prompt, score(e.prompt)]));
    metrics = { battles: test.length, unit: 'prompts', accuracy: Number.NaN, logLoss: Number.NaN, apgr: heldOutApgr(scored, rates, strong, weak) };
  }

  const { weights, config } = encodeDifficultyCheckpoint(model, multipleChoice, { strong: options.strongModel, weak: options.weakModel });
  const [weightsName, configName, cardName] = TRAINED_FILES.difficulty as [string, string, string];
  const card = renderModelCard({
    router: 'difficulty',
    command: options.command,
    dataFiles: options.data,
    excludeFiles: options.exclude,
    skippedFiles: options.skipped ?? [],
    embedder: DIFFICULTY_FEATURES_ID,
    split: options.split === 'sha1' ? 'held out = prompts whose sha1 (UTF-8) first byte is odd; train = even' : 'none: every prompt trains',
    trainPrompts: train.length,
    trainedPrompts: train.map((e) => e.prompt),
    heldOutPrompts: test.length,
    trainBattles: 0,
    heldOutBattles: 0,
    models: [options.strongModel, options.weakModel],
    strongModel: options.strongModel,
    weakModel: options.weakModel,
    hyper: { ...hyper, sources: sourceNames.join(' ') },
    metrics,
    notes: options.notes ? `${RECIPE}\n\n${options.notes}` : RECIPE,
  });
  const files = await writeTrainedFiles(run.out, [
    [weightsName, weights],
    [configName, config],
    [cardName, card],
  ]);
  if (metrics) io.stdout.write(formatHeldOutMetrics(metrics).split('\n').filter((l) => !l.startsWith('held out: ')).join('\n'));
  io.stdout.write(`wrote ${files.join(', ')}\n`);
  return { files, metrics };
}
