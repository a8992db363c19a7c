import { RouterError } from '../../core/index.js';
import { USE_STATIC_EMBEDDER_ID } from '../../embed/use-static-embedder.js';
import { parseConfigObject } from '../checkpoint-files.js';
import { readSafetensors } from '../../safetensors/read-safetensors.js';
import { writeSafetensors } from '../../safetensors/write-safetensors.js';
import { knnRows, validateKnnModel, type KnnModel } from './knn-model.js';

/** What the knn router embeds: the focus text (a few-shot prompt's open question) through use-static. */
export const KNN_FEATURES_ID = `focus-text+${USE_STATIC_EMBEDDER_ID}`;

/** `config.json` beside `model.safetensors`. */
export interface KnnConfig {
  router: 'knn';
  features: string;
  dim: number;
  neighbours: number;
  prior_weight: number;
  /** The models scored, in column order of `outcomes`. */
  model_names: string[];
  /** Each model's mean cost per training prompt in USD: the prices the rule weighs when it is told none. */
  mean_cost_usd: number[];
}

/** A loaded checkpoint. */
export interface KnnCheckpoint {
  readonly model: KnnModel;
  readonly config: KnnConfig;
}

function parseConfig(bytes: Uint8Array, source: string): KnnConfig {
  const c = parseConfigObject(bytes, source);
  const fail = (what: string): never => {
    throw new RouterError(`${source}: ${what}`);
  };
  if (c['router'] !== 'knn') fail(`"router" is ${JSON.stringify(c['router'])}, not "knn": is this a knn checkpoint?`);
  if (c['features'] !== KNN_FEATURES_ID) fail(`"features" is ${JSON.stringify(c['features'])}; this version reads ${KNN_FEATURES_ID}`);
  for (const key of ['dim', 'neighbours', 'prior_weight']) if (typeof c[key] !== 'number') fail(`"${key}" must be a number`);
  const names = c['model_names'];
  if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) fail('"model_names" must be an array of model names');
  const costs = c['mean_cost_usd'];
  if (!Array.isArray(costs) || costs.length !== (names as unknown[]).length || !costs.every((v) => typeof v === 'number' && v >= 0)) {
    fail('"mean_cost_usd" must hold one cost (a number >= 0) per model');
  }
  return c as unknown as KnnConfig;
}

/** Reads and checks the two files `routellm train --router knn` writes. */
export function decodeKnnCheckpoint(weights: Uint8Array, configBytes: Uint8Array, source: { weights: string; config: string }): KnnCheckpoint {
  const config = parseConfig(configBytes, source.config);
  const tensors = readSafetensors(weights, { source: source.weights });
  const tensor = (name: string, columns: number) => {
    const t = tensors.get(name);
    if (!t) throw new RouterError(`${source.weights}: missing tensor "${name}" (has: ${[...tensors.keys()].join(', ') || 'none'}); is this a knn checkpoint?`);
    if (t.shape.length !== 2 || t.shape[1] !== columns) throw new RouterError(`${source.weights}: tensor "${name}" has shape [${t.shape.join(', ')}], expected [rows, ${columns}]`);
    return t.data;
  };
  const embeddings = tensor('embeddings', config.dim);
  const outcomes = tensor('outcomes', config.model_names.length);
  const m = config.model_names.length;
  const rows = embeddings.length / config.dim;
  const prior = new Float64Array(m);
  for (let r = 0; r < rows; r += 1) for (let c = 0; c < m; c += 1) prior[c]! += outcomes[r * m + c] as number;
  for (let c = 0; c < m; c += 1) prior[c]! /= Math.max(1, rows);
  const model = validateKnnModel(
    { models: config.model_names, dim: config.dim, embeddings, outcomes, neighbours: config.neighbours, priorWeight: config.prior_weight, prior },
    source.weights,
  );
  return { model, config };
}

/** The two files of a checkpoint: embeddings as float16 (half the size; similarities move in the fourth decimal). */
export function encodeKnnCheckpoint(model: KnnModel, meanCostUsd: readonly number[]): { weights: Uint8Array; config: string } {
  const config: KnnConfig = {
    router: 'knn',
    features: KNN_FEATURES_ID,
    dim: model.dim,
    neighbours: model.neighbours,
    prior_weight: model.priorWeight,
    model_names: [...model.models],
    mean_cost_usd: [...meanCostUsd],
  };
  const rows = knnRows(model);
  const weights = writeSafetensors(
    [
      ['embeddings', { dtype: 'F16', shape: [rows, model.dim], data: model.embeddings }],
      ['outcomes', { shape: [rows, model.models.length], data: model.outcomes }],
    ],
    { format: 'pt', producer: 'routellm train' },
  );
  return { weights, config: `${JSON.stringify(config, null, 2)}\n` };
}
