import { RouterError } from '../../core/index.js';
import { parseConfigObject } from '../checkpoint-files.js';
import { readSafetensors } from '../../safetensors/read-safetensors.js';
import { writeSafetensors } from '../../safetensors/write-safetensors.js';
import { ARENA_MODEL_IDS } from './arena-model-ids.js';
import { validateMfModel, type MfModel } from './mf-model.js';

/** Tensor names of RouteLLM's MFModel state dict. */
export const MF_TENSORS = { P: 'P.weight', textProj: 'text_proj.0.weight', classifier: 'classifier.0.weight', bias: 'bias' } as const;

/** The embedder of RouteLLM's published checkpoints. */
export const PYTHON_MF_EMBEDDER = 'openai:text-embedding-3-small:1536';

/**
 * `config.json` beside `model.safetensors`: the Python checkpoint's fields (dim, num_models,
 * text_dim, num_classes, use_proj), plus two of ours that the Python files lack: the model
 * names in row order (default: RouteLLM's 64 arena models) and the embedder id the text
 * projection expects (default: OpenAI text-embedding-3-small).
 */
export interface MfConfig {
  dim: number;
  num_models: number;
  text_dim: number;
  num_classes?: number;
  use_proj?: boolean;
  model_names?: string[];
  embedder?: string;
  /** Default pair for routing (ours; RouteLLM's files lack them). */
  strong_model?: string;
  weak_model?: string;
  /** `success`: trained on each model's score (a router over a list of models, with a `bias` tensor); absent: on battles. */
  target?: 'success';
  /** Each model's mean cost per training prompt in USD (success-trained weights). */
  mean_cost_usd?: number[];
}

/** A loaded checkpoint: the model and the embedder its text projection was trained on. */
export interface MfCheckpoint {
  readonly model: MfModel;
  readonly embedderId: string;
  readonly config: MfConfig;
}

/**
 * The shape options of RouteLLM's `MatrixFactorizationRouter` (its config.yaml keys). The Python
 * passes them to `MFModel.from_pretrained`, where they win over the checkpoint's config.json; so
 * here too. `hidden_size` is config.json's `dim`.
 */
export interface MfShapeOptions {
  hidden_size?: number;
  num_models?: number;
  text_dim?: number;
  num_classes?: number;
  use_proj?: boolean;
}

/** The Python's defaults for a checkpoint without config.json (RouteLLM's MatrixFactorizationRouter). */
export const PYTHON_MF_SHAPE = { dim: 128, num_models: 64, text_dim: 1536, num_classes: 1, use_proj: true } as const;

/**
 * Parses and checks config.json (`bytes` undefined: a hub checkpoint without one, which takes
 * the Python's defaults); `overrides` (the router's options) win over it, as in the Python.
 */
export function parseMfConfig(bytes: Uint8Array | undefined, source: string, overrides: MfShapeOptions = {}): MfConfig {
  const config: Record<string, unknown> = bytes === undefined ? { ...PYTHON_MF_SHAPE } : parseConfigObject(bytes, source);
  const { hidden_size: hiddenSize, ...rest } = overrides;
  Object.assign(config, rest, hiddenSize === undefined ? {} : { dim: hiddenSize });
  const int = (key: string, required: boolean): number | undefined => {
    const value = config[key];
    if (value === undefined && !required) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      throw new RouterError(`${source}: "${key}" must be a positive integer, got ${JSON.stringify(value)}`);
    }
    return value;
  };
  const parsed: MfConfig = { dim: int('dim', true)!, num_models: int('num_models', false) ?? ARENA_MODEL_IDS.length, text_dim: int('text_dim', false) ?? 1536 };
  const numClasses = int('num_classes', false);
  if (numClasses !== undefined) parsed.num_classes = numClasses;
  if (config['use_proj'] !== undefined) {
    if (typeof config['use_proj'] !== 'boolean') throw new RouterError(`${source}: "use_proj" must be true or false`);
    parsed.use_proj = config['use_proj'];
  }
  if (config['model_names'] !== undefined) {
    const names = config['model_names'];
    if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) throw new RouterError(`${source}: "model_names" must be an array of strings`);
    parsed.model_names = names;
  }
  if (config['embedder'] !== undefined) {
    if (typeof config['embedder'] !== 'string') throw new RouterError(`${source}: "embedder" must be a string such as ${PYTHON_MF_EMBEDDER}`);
    parsed.embedder = config['embedder'];
  }
  for (const key of ['strong_model', 'weak_model'] as const) {
    const value = config[key];
    if (value === undefined) continue;
    if (typeof value !== 'string') throw new RouterError(`${source}: "${key}" must be a model name`);
    parsed[key] = value;
  }
  if (config['target'] !== undefined) {
    if (config['target'] !== 'success') throw new RouterError(`${source}: "target" must be "success" (or absent, for weights trained on battles)`);
    parsed.target = 'success';
  }
  if (config['mean_cost_usd'] !== undefined) {
    const costs = config['mean_cost_usd'];
    if (!Array.isArray(costs) || !costs.every((v) => typeof v === 'number' && v >= 0)) throw new RouterError(`${source}: "mean_cost_usd" must be a list of costs (numbers >= 0)`);
    parsed.mean_cost_usd = costs;
  }
  return parsed;
}

/**
 * Reads an mf checkpoint: `model.safetensors` (P.weight, text_proj.0.weight, classifier.0.weight,
 * any float dtype) and its config. Works for RouteLLM's `routellm/mf_gpt4_augmented` files and
 * for the weights `routellm train` writes. Shapes are checked against the config.
 */
export function decodeMfCheckpoint(
  weights: Uint8Array,
  configBytes: Uint8Array | undefined,
  source: { weights: string; config: string },
  overrides: MfShapeOptions = {},
): MfCheckpoint {
  const config = parseMfConfig(configBytes, source.config, overrides);
  const tensors = readSafetensors(weights, { source: source.weights });
  const fail = (what: string): never => {
    throw new RouterError(`${source.weights}: ${what}`);
  };
  const tensor = (name: string, shape: number[]) => {
    const t = tensors.get(name);
    if (!t) fail(`missing tensor "${name}" (has: ${[...tensors.keys()].join(', ') || 'none'}); is this an mf checkpoint?`);
    if (t!.shape.length !== shape.length || t!.shape.some((d, i) => d !== shape[i])) {
      fail(`tensor "${name}" has shape [${t!.shape.join(', ')}] but ${source.config} implies [${shape.join(', ')}]`);
    }
    return t!.data;
  };
  if ((config.num_classes ?? 1) !== 1) fail(`num_classes ${config.num_classes} is not supported; RouteLLM's mf uses 1`);
  const names = config.model_names ?? (config.num_models === ARENA_MODEL_IDS.length ? [...ARENA_MODEL_IDS] : undefined);
  if (!names) fail(`${source.config} has num_models ${config.num_models} but no "model_names"; name the models in row order`);
  if (names!.length !== config.num_models) fail(`"model_names" lists ${names!.length} models but num_models is ${config.num_models}`);
  const useProj = config.use_proj ?? true;
  const bias = config.target === 'success' ? tensor(MF_TENSORS.bias, [config.num_models]) : undefined;
  if (config.mean_cost_usd && config.mean_cost_usd.length !== config.num_models) fail(`"mean_cost_usd" lists ${config.mean_cost_usd.length} costs but num_models is ${config.num_models}`);
  const model = validateMfModel(
    {
      modelNames: names!,
      dim: config.dim,
      textDim: config.text_dim,
      P: tensor(MF_TENSORS.P, [config.num_models, config.dim]),
      textProj: useProj ? tensor(MF_TENSORS.textProj, [config.dim, config.text_dim]) : null,
      classifier: tensor(MF_TENSORS.classifier, [1, config.dim]),
      ...(bias ? { bias } : {}),
    },
    source.weights,
  );
  return { model, embedderId: config.embedder ?? PYTHON_MF_EMBEDDER, config };
}

/** model.safetensors of a trained mf: RouteLLM's tensors (float32), and `bias` when trained on success. */
export function encodeMfWeights(model: MfModel): Uint8Array {
  const rows = model.modelNames.length;
  return writeSafetensors(
    [
      [MF_TENSORS.P, { shape: [rows, model.dim], data: model.P }],
      [MF_TENSORS.textProj, { shape: [model.dim, model.textDim], data: model.textProj! }],
      [MF_TENSORS.classifier, { shape: [1, model.dim], data: model.classifier }],
      ...(model.bias ? [[MF_TENSORS.bias, { shape: [rows], data: model.bias }] as [string, { shape: number[]; data: Float32Array }]] : []),
    ],
    { format: 'pt', producer: 'routellm train' },
  );
}
