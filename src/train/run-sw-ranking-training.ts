import type { Embedder } from '../embed/embedder.js';
import { encodeSwRankingData } from '../routers/sw-ranking/sw-ranking-data.js';
import { buildSwRankingModel, DEFAULT_NUM_TIERS, eloWinRate, type BattleWinner } from '../routers/sw-ranking/sw-ranking-model.js';
import { trainSwRanking } from '../routers/sw-ranking/train-sw-ranking.js';
import { battleTarget, type ScoredPrompt, type TrainingBattle } from './battle.js';
import { embedPrompts } from './embed-prompts.js';
import { battleMetrics, formatHeldOutMetrics, heldOutApgr, routingFigures, type HeldOutMetrics } from './heldout-metrics.js';
import { renderModelCard, type ModelCardInput } from './model-card.js';
import type { ResolvedTrainOptions, TrainIo, TrainResult } from './run-train.js';
import { TRAINED_FILES, writeTrainedFiles } from './train-out-dir.js';

/**
 * The winner sw_ranking learns from a battle under --ties: `weak` makes a tie against the weak
 * model a win for it (as mf's target does); `half` and `drop` keep it a tie (the caller has
 * already dropped ties for `drop`).
 */
function winnerUnderTieRule(b: TrainingBattle, options: ResolvedTrainOptions): BattleWinner {
  if (b.winner !== 'tie' || options.ties !== 'weak') return b.winner;
  if (b.modelA === options.weakModel) return 'model_a';
  if (b.modelB === options.weakModel) return 'model_b';
  return 'tie';
}

/**
 * `routellm train --router sw_ranking`: embeds the training battles' prompts (sw_ranking has no
 * parameters to fit; ratings are refitted per prompt), scores the held-out prompts with the
 * router those battles make, reports held-out figures as mf and lexical do, and writes the data.
 */
export async function runSwRankingTraining(run: {
  options: ResolvedTrainOptions;
  io: TrainIo;
  out: string;
  embedder: Embedder;
  trainBattles: readonly TrainingBattle[];
  testBattles: readonly TrainingBattle[];
  heldOutScored: readonly ScoredPrompt[];
  card: Omit<ModelCardInput, 'hyper' | 'metrics'>;
}): Promise<TrainResult> {
  const { options, io, embedder } = run;
  const data = await trainSwRanking({
    battles: run.trainBattles.map((b) => ({ prompt: b.prompt, model_a: b.modelA, model_b: b.modelB, winner: winnerUnderTieRule(b, options) })),
    embedder,
    strongModel: options.strongModel,
    weakModel: options.weakModel,
    onProgress: (done, total) => {
      if (done === total || done % 2048 === 0) io.stderr.write(`embedding prompts: ${done}/${total}\n`);
    },
  });

  let metrics: HeldOutMetrics | null = null;
  if (run.testBattles.length > 0) {
    // The router `sw_ranking: {data_dir: out}` builds from these files, with its defaults.
    const model = buildSwRankingModel(data.battles, data.embeddings, data.dim, {
      strongModel: options.strongModel,
      weakModel: options.weakModel,
      numTiers: DEFAULT_NUM_TIERS,
    });
    // A held-out battle between models the training battles never saw has no rating to predict from.
    const scorable = run.testBattles.filter((b) => model.tiers.has(b.modelA) && model.tiers.has(b.modelB));
    const testPrompts = [...new Set(run.testBattles.map((b) => b.prompt))];
    io.stderr.write(`scoring ${testPrompts.length} held-out prompts\n`);
    const vectors = await embedPrompts(embedder, testPrompts, io.stderr);
    const ratings = new Map<string, Float64Array>();
    const rates = new Map<string, number>();
    testPrompts.forEach((prompt, i) => {
      const rated = model.tierRatings(vectors.subarray(i * data.dim, (i + 1) * data.dim));
      ratings.set(prompt, rated);
      rates.set(prompt, eloWinRate(rated[model.strongTier]!, rated[model.weakTier]!));
    });
    const predictions = scorable.map((b) => {
      const rated = ratings.get(b.prompt)!;
      return eloWinRate(rated[model.tiers.get(b.modelA)!]!, rated[model.tiers.get(b.modelB)!]!);
    });
    const oriented = (b: TrainingBattle) => ({ modelA: b.modelA, modelB: b.modelB, target: battleTarget(b, options.ties, options.weakModel) });
    metrics = {
      battles: scorable.length,
      unit: 'battles',
      ...battleMetrics(predictions, scorable.map((b) => battleTarget(b, options.ties, options.weakModel))),
      routing: routingFigures(run.trainBattles.map(oriented), scorable.map(oriented), predictions, options.strongModel, options.weakModel),
      apgr: heldOutApgr(run.heldOutScored, rates, options.strongModel, options.weakModel),
    };
  }

  const encoded = encodeSwRankingData(data);
  const [battlesName, embeddingsName, cardName] = TRAINED_FILES.sw_ranking as [string, string, string];
  const hyper = { num_tiers: DEFAULT_NUM_TIERS, battle_weights: '10*10^(sim/max_sim)', ties: options.ties };
  const files = await writeTrainedFiles(run.out, [
    [battlesName, encoded.battles],
    [embeddingsName, encoded.embeddings],
    [cardName, renderModelCard({ ...run.card, hyper, metrics })],
  ]);
  if (metrics) io.stdout.write(formatHeldOutMetrics(metrics));
  io.stdout.write(`wrote ${files.join(', ')}\n`);
  return { files, metrics };
}
