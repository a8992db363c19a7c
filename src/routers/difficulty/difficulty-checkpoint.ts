import { RouterError } from '../../core/index.js';
import { USE_STATIC_EMBEDDER_ID } from '../../embed/use-static-embedder.js';
import { parseConfigObject } from '../checkpoint-files.js';
import { readSafetensors } from '../../safetensors/read-safetensors.js';
import { writeSafetensors } from '../../safetensors/write-safetensors.js';
import { validateDifficultyModel, validateQuantileMap, type DifficultyModel, type QuantileMap } from './difficulty-model.js';
import { STRUCTURE_FEATURES_ID } from './structure-features.js';

/** The feature set a checkpoint was trained on; another version's weights are refused. */
export const DIFFICULTY_FEATURES_ID = `${STRUCTURE_FEATURES_ID}+${USE_STATIC_EMBEDDER_ID}`;

const TENSORS = ['mean', 'scale', 'weights', 'prior'] as const;

/** `config.json` beside `model.safetensors`. */
export interface DifficultyConfig {
  features: string;
  dim: number;
  bias: number;
  clip_low: number;
  clip_high: number;
  prior_weight: number;
  shrink_k: number;
  floor: number;
  strong_model: string;
  weak_model: string;
  /** Multiple-choice prompts: the lexical expert's raw probability mapped onto this router's scale. */
  multiple_choice: { router: string; raw: number[]; aligned: number[] };
}

export interface DifficultyCheckpoint {
  readonly model: DifficultyModel;
  readonly multipleChoice: QuantileMap;
  readonly config: DifficultyConfig;
}

function parseConfig(bytes: Uint8Array, source: string): DifficultyConfig {
  const c = parseConfigObject(bytes, source);
  const fail = (what: string): never => {
    throw new RouterError(`${source}: ${what}`);
  };
  if (c['features'] !== DIFFICULTY_FEATURES_ID) fail(`"features" is ${JSON.stringify(c['features'])}; this version reads ${DIFFICULTY_FEATURES_ID}`);
  for (const key of ['dim', 'bias', 'clip_low', 'clip_high', 'prior_weight', 'shrink_k', 'floor']) if (typeof c[key] !== 'number') fail(`"${key}" must be a number`);
  for (const key of ['strong_model', 'weak_model']) if (typeof c[key] !== 'string') fail(`"${key}" must be a model name`);
  const mc = c['multiple_choice'] as Record<string, unknown> | undefined;
  const numbers = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'number');
  if (mc === null || typeof mc !== 'object' || typeof mc['router'] !== 'string' || !numbers(mc['raw']) || !numbers(mc['aligned'])) {
    fail('"multiple_choice" must be {"router": name, "raw": [numbers], "aligned": [numbers]}');
  }
  return c as unknown as DifficultyConfig;
}

/** Reads and checks the two files `routellm train --router difficulty` writes. */
export function decodeDifficultyCheckpoint(weights: Uint8Array, configBytes: Uint8Array, source: { weights: string; config: string }): DifficultyCheckpoint {
  const config = parseConfig(configBytes, source.config);
  const tensors = readSafetensors(weights, { source: source.weights });
  const tensor = (name: string) => {
    const t = tensors.get(name);
    if (!t) throw new RouterError(`${source.weights}: missing tensor "${name}" (has: ${[...tensors.keys()].join(', ') || 'none'}); is this a difficulty checkpoint?`);
    if (t.shape.length !== 1 || t.shape[0] !== config.dim) throw new RouterError(`${source.weights}: tensor "${name}" has shape [${t.shape.join(', ')}] but ${source.config} says dim ${config.dim}`);
    return t.data;
  };
  const model = validateDifficultyModel(
    {
      dim: config.dim,
      mean: tensor('mean'),
      scale: tensor('scale'),
      weights: tensor('weights'),
      prior: tensor('prior'),
      bias: config.bias,
      clipLow: config.clip_low,
      clipHigh: config.clip_high,
      priorWeight: config.prior_weight,
      shrinkK: config.shrink_k,
      floor: config.floor,
    },
    source.weights,
  );
  const multipleChoice = validateQuantileMap(
    { raw: Float64Array.from(config.multiple_choice.raw), aligned: Float64Array.from(config.multiple_choice.aligned) },
    `${source.config} "multiple_choice"`,
  );
  return { model, multipleChoice, config };
}

/** The two files of a checkpoint. */
export function encodeDifficultyCheckpoint(
  model: DifficultyModel,
  multipleChoice: QuantileMap,
  pair: { strong: string; weak: string },
): { weights: Uint8Array; config: string } {
  const config: DifficultyConfig = {
    features: DIFFICULTY_FEATURES_ID,
    dim: model.dim,
    bias: model.bias,
    clip_low: model.clipLow,
    clip_high: model.clipHigh,
    prior_weight: model.priorWeight,
    shrink_k: model.shrinkK,
    floor: model.floor,
    strong_model: pair.strong,
    weak_model: pair.weak,
    multiple_choice: { router: 'lexical', raw: [...multipleChoice.raw], aligned: [...multipleChoice.aligned] },
  };
  const arrays: Record<(typeof TENSORS)[number], Float32Array> = { mean: model.mean, scale: model.scale, weights: model.weights, prior: model.prior };
  const weights = writeSafetensors(
    TENSORS.map((name) => [name, { shape: [model.dim], data: arrays[name] }] as const),
    { format: 'pt', producer: 'routellm train' },
  );
  return { weights, config: `${JSON.stringify(config, null, 2)}\n` };
}
