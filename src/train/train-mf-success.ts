import { createHash } from 'node:crypto';
import { UsageError, type RouterContext } from '../core/index.js';
import { decodeMfCheckpoint, encodeMfWeights, type MfConfig } from '../routers/mf/mf-checkpoint.js';
import { defaultMfEmbedderResolver } from '../routers/mf/mf-router.js';
import { createMfScorer } from '../routers/multi/mf-scorer.js';
import { embedPrompts } from './embed-prompts.js';
import type { MultiLearner } from './run-multi-training.js';
import { trainMf, type IndexedBattle, type MfTrainOptions } from './train-mf.js';
import { TRAINED_FILES } from './train-out-dir.js';

/** The model card's account of the learner. */
export const MF_SUCCESS_RECIPE = `## How it predicts

RouteLLM's matrix factorisation with one more parameter per model: model m answers well with
probability sigmoid(bias[m] + c . (P[m] / |P[m]| * (A x))), x the prompt's embedding, trained on every
(prompt, model) score of the training half with the hyper-parameters of the two-model mf (not tuned
for this task). The shipped router for a list of models is knn, which did better on the same held-out
halves (datasets/routerbench-knn); this one is kept so the two can be compared (\`eval --models ...
--routers knn mf\`).`;

/**
 * mf over a list of models (`train --router mf --target success`): one success cell per prompt
 * and model (the model's score, 0-1, as the target of sigmoid(bias[m] + score(m, x))), trained
 * by the same Adam loop as battles; scored held out with the weights as written.
 */
export function mfSuccessLearner(hyper: MfTrainOptions, embedderSpec: string, context: RouterContext): MultiLearner {
  return async (rows, meanCostUsd, io) => {
    const m = rows.models.length;
    for (let i = 0; i < rows.scores.length; i += 1) {
      const score = rows.scores[i] as number;
      if (!(score >= 0 && score <= 1)) {
        throw new UsageError(`--target success learns each model's chance of a good answer: scores must lie in 0-1, but ${rows.models[i % m]} has ${score} on "${rows.prompts[Math.floor(i / m)]!.slice(0, 40)}"`);
      }
    }
    const embedder = await defaultMfEmbedderResolver(embedderSpec, context, 'train');
    const embeddings = await embedPrompts(embedder, rows.prompts, io.stderr);
    const cells: IndexedBattle[] = [];
    for (let r = 0; r < rows.prompts.length; r += 1) for (let k = 0; k < m; k += 1) cells.push({ prompt: r, a: k, b: -1, target: rows.scores[r * m + k] as number });
    const started = Date.now();
    const model = trainMf({
      embeddings,
      textDim: embedder.dim,
      modelNames: rows.models,
      battles: cells,
      hyper,
      onEpoch: (epoch, loss) => {
        if (epoch === 1 || epoch % 5 === 0 || epoch === hyper.epochs) io.stderr.write(`epoch ${epoch}/${hyper.epochs}: train loss ${loss.toFixed(4)} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
      },
    });
    const config: MfConfig = {
      dim: model.dim,
      num_models: m,
      text_dim: model.textDim,
      num_classes: 1,
      use_proj: true,
      model_names: [...rows.models],
      embedder: embedder.id,
      target: 'success',
      mean_cost_usd: [...meanCostUsd],
    };
    const weights = encodeMfWeights(model);
    const configText = `${JSON.stringify(config, null, 2)}\n`;
    const configBytes = new TextEncoder().encode(configText);
    const [weightsName, configName] = TRAINED_FILES.mf as [string, string];
    const checkpoint = decodeMfCheckpoint(weights, configBytes, { weights: weightsName, config: configName });
    const digest = createHash('sha256').update(weights).update(configBytes).digest('hex');
    return {
      scorer: createMfScorer(checkpoint, embedder, digest, weightsName),
      files: [
        [weightsName, weights],
        [configName, configText],
      ],
      features: embedder.id,
      hyper: { ...hyper, target: 'success' },
      recipe: MF_SUCCESS_RECIPE,
    };
  };
}
