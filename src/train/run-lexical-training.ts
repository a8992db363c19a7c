import { scorePrompts, UsageError, type Router, type RouterContext } from '../core/index.js';
import { quantileGrid } from '../calibrate/calibration-table.js';
import { encodeLexicalCheckpoint } from '../routers/lexical/lexical-checkpoint.js';
import { LEXICAL_FEATURES_ID } from '../routers/lexical/lexical-features.js';
import { lexicalWinRate, rawProbability, type LexicalModel } from '../routers/lexical/lexical-model.js';
import { TRAINED_FILES, writeTrainedFiles } from './train-out-dir.js';
import { battleTarget, type ScoredPrompt, type TrainingBattle } from './battle.js';
import { battleMetrics, formatHeldOutMetrics, heldOutApgr, routingFigures, type HeldOutMetrics } from './heldout-metrics.js';
import { renderModelCard, type ModelCardInput } from './model-card.js';
import type { ResolvedTrainOptions, TrainIo, TrainResult } from './run-train.js';
import { DEFAULT_LEXICAL_TRAIN_OPTIONS, trainLexical, type LexicalExample } from './train-lexical.js';

/** Quantiles kept to map lexical scores onto another router's scale. */
const ALIGNMENT_LEVELS = 101;

/**
 * The strong model's target on each prompt from the battles between the routed pair (other
 * models' battles teach this pair-specific model nothing), averaged over repeated battles.
 */
function pairExamples(battles: readonly TrainingBattle[], options: ResolvedTrainOptions): LexicalExample[] {
  const sums = new Map<string, { total: number; count: number }>();
  for (const b of battles) {
    const pair = new Set([b.modelA, b.modelB]);
    if (!pair.has(options.strongModel) || !pair.has(options.weakModel) || pair.size !== 2) continue;
    const forA = battleTarget(b, options.ties, options.weakModel);
    const target = b.modelA === options.strongModel ? forA : 1 - forA;
    const entry = sums.get(b.prompt) ?? { total: 0, count: 0 };
    entry.total += target;
    entry.count += 1;
    sums.set(b.prompt, entry);
  }
  return [...sums].map(([prompt, { total, count }]) => ({ prompt, target: total / count }));
}

/** `routellm train --router lexical`: fit, align, report held-out figures, write the checkpoint. */
export async function runLexicalTraining(run: {
  options: ResolvedTrainOptions;
  io: TrainIo;
  out: string;
  context: RouterContext;
  trainBattles: readonly TrainingBattle[];
  testBattles: readonly TrainingBattle[];
  heldOutScored: readonly ScoredPrompt[];
  cardBase: (embedderId: string) => Omit<ModelCardInput, 'hyper' | 'metrics'>;
}): Promise<TrainResult> {
  const { options, io } = run;
  const hyper = options.lexical ?? DEFAULT_LEXICAL_TRAIN_OPTIONS;
  const examples = pairExamples(run.trainBattles, options);
  if (examples.length === 0) throw new UsageError(`no training battles between ${options.strongModel} and ${options.weakModel}`);
  // The router to align to is built before fitting, so a router that cannot load fails in seconds, not after.
  // (trainFromFlags has already checked that --align-to names a router.)
  let reference: { name: string; router: Router } | undefined;
  if (options.alignTo !== undefined) {
    const { createBuiltinRegistry } = await import('../routers/builtin-registry.js');
    reference = { name: options.alignTo, router: await createBuiltinRegistry().get(options.alignTo).create({}, run.context) };
  }
  io.stderr.write(`lexical: ${examples.length} training prompts, ${hyper.buckets} buckets, l2 ${hyper.l2}\n`);
  const started = Date.now();
  let last = { iteration: 0, loss: Number.NaN };
  let model: LexicalModel = trainLexical({
    examples,
    hyper,
    onIteration: (iteration, loss) => {
      last = { iteration, loss };
      if (iteration % 50 === 0) io.stderr.write(`iteration ${iteration}: train loss ${loss.toFixed(5)} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
    },
  });
  io.stderr.write(`L-BFGS stopped after ${last.iteration} iterations: train loss ${last.loss.toFixed(5)} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);

  if (reference !== undefined) {
    io.stderr.write(`aligning to ${reference.name} over the ${examples.length} training prompts\n`);
    const prompts = examples.map((e) => e.prompt);
    const ascending = (values: number[]) => Float64Array.from(values).sort();
    const raw = quantileGrid(ascending(prompts.map((p) => rawProbability(model, p))), ALIGNMENT_LEVELS);
    const aligned = quantileGrid(ascending(await scorePrompts(reference.router, prompts)), ALIGNMENT_LEVELS);
    model = { ...model, alignment: { router: reference.name, raw: Float64Array.from(raw), aligned: Float64Array.from(aligned) } };
  }

  let metrics: HeldOutMetrics | null = null;
  const testExamples = pairExamples(run.testBattles, options);
  if (testExamples.length > 0) {
    const rates = new Map(testExamples.map((e) => [e.prompt, lexicalWinRate(model, e.prompt)]));
    const raw = testExamples.map((e) => rawProbability(model, e.prompt));
    // Each example is the strong model's averaged target on one prompt: a strong-vs-weak "battle".
    const oriented = (e: LexicalExample) => ({ modelA: options.strongModel, modelB: options.weakModel, target: e.target });
    metrics = {
      battles: testExamples.length,
      unit: 'prompts',
      ...battleMetrics(raw, testExamples.map((e) => e.target)),
      routing: routingFigures(examples.map(oriented), testExamples.map(oriented), raw, options.strongModel, options.weakModel),
      apgr: heldOutApgr(run.heldOutScored, rates, options.strongModel, options.weakModel),
    };
  }

  const { weights, config } = encodeLexicalCheckpoint(model, { strong: options.strongModel, weak: options.weakModel });
  const [weightsName, configName, cardName] = TRAINED_FILES.lexical as [string, string, string];
  const files = await writeTrainedFiles(run.out, [
    [weightsName, weights],
    [configName, config],
    [
      cardName,
      renderModelCard({
        ...run.cardBase(LEXICAL_FEATURES_ID),
        hyper: { buckets: hyper.buckets, l2: hyper.l2, ties: options.ties, optimiser: 'L-BFGS', ...(options.alignTo ? { alignedTo: options.alignTo } : {}) },
        metrics,
      }),
    ],
  ]);
  if (metrics) io.stdout.write(formatHeldOutMetrics(metrics));
  io.stdout.write(`wrote ${files.join(', ')}\n`);
  return { files, metrics };
}
