import { RouterError } from '../../core/index.js';
import { parseConfigObject } from '../checkpoint-files.js';
import { readSafetensors } from '../../safetensors/read-safetensors.js';
import { writeSafetensors } from '../../safetensors/write-safetensors.js';
import { LEXICAL_FEATURES_ID } from './lexical-features.js';
import { validateLexicalModel, type LexicalModel } from './lexical-model.js';

export const LEXICAL_TENSORS = { weights: 'weights', idf: 'idf' } as const;

/** `config.json` beside `model.safetensors`. */
export interface LexicalConfig {
  features: string;
  buckets: number;
  bias: number;
  strong_model: string;
  weak_model: string;
  alignment?: { router: string; raw: number[]; aligned: number[] };
}

export interface LexicalCheckpoint {
  readonly model: LexicalModel;
  readonly config: LexicalConfig;
}

function parseConfig(bytes: Uint8Array, source: string): LexicalConfig {
  const c = parseConfigObject(bytes, source);
  const fail = (what: string): never => {
    throw new RouterError(`${source}: ${what}`);
  };
  if (c['features'] !== LEXICAL_FEATURES_ID) fail(`"features" is ${JSON.stringify(c['features'])}; this version reads ${LEXICAL_FEATURES_ID}`);
  if (typeof c['buckets'] !== 'number') fail('"buckets" must be a number');
  if (typeof c['bias'] !== 'number') fail('"bias" must be a number');
  for (const key of ['strong_model', 'weak_model']) if (typeof c[key] !== 'string') fail(`"${key}" must be a model name`);
  const config: LexicalConfig = {
    features: LEXICAL_FEATURES_ID,
    buckets: c['buckets'] as number,
    bias: c['bias'] as number,
    strong_model: c['strong_model'] as string,
    weak_model: c['weak_model'] as string,
  };
  const a = c['alignment'];
  if (a !== undefined) {
    const table = a as Record<string, unknown>;
    const numbers = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'number');
    if (a === null || typeof a !== 'object' || typeof table['router'] !== 'string' || !numbers(table['raw']) || !numbers(table['aligned'])) {
      fail('"alignment" must be {"router": name, "raw": [numbers], "aligned": [numbers]}');
    }
    config.alignment = { router: table['router'] as string, raw: table['raw'] as number[], aligned: table['aligned'] as number[] };
  }
  return config;
}

/** Reads and checks the weights and config `routellm train --router lexical` writes. */
export function decodeLexicalCheckpoint(weights: Uint8Array, configBytes: Uint8Array, source: { weights: string; config: string }): LexicalCheckpoint {
  const config = parseConfig(configBytes, source.config);
  const tensors = readSafetensors(weights, { source: source.weights });
  const tensor = (name: string) => {
    const t = tensors.get(name);
    if (!t) throw new RouterError(`${source.weights}: missing tensor "${name}" (has: ${[...tensors.keys()].join(', ') || 'none'}); is this a lexical checkpoint?`);
    if (t.shape.length !== 1 || t.shape[0] !== config.buckets) {
      throw new RouterError(`${source.weights}: tensor "${name}" has shape [${t.shape.join(', ')}] but ${source.config} says ${config.buckets} buckets`);
    }
    return t.data;
  };
  const model = validateLexicalModel(
    {
      buckets: config.buckets,
      weights: tensor(LEXICAL_TENSORS.weights),
      idf: tensor(LEXICAL_TENSORS.idf),
      bias: config.bias,
      alignment: config.alignment
        ? { router: config.alignment.router, raw: Float64Array.from(config.alignment.raw), aligned: Float64Array.from(config.alignment.aligned) }
        : null,
    },
    source.weights,
  );
  return { model, config };
}

/** The two files of a checkpoint. */
export function encodeLexicalCheckpoint(model: LexicalModel, pair: { strong: string; weak: string }): { weights: Uint8Array; config: string } {
  const config: LexicalConfig = {
    features: LEXICAL_FEATURES_ID,
    buckets: model.buckets,
    bias: model.bias,
    strong_model: pair.strong,
    weak_model: pair.weak,
    ...(model.alignment
      ? { alignment: { router: model.alignment.router, raw: [...model.alignment.raw], aligned: [...model.alignment.aligned] } }
      : {}),
  };
  const weights = writeSafetensors(
    [
      [LEXICAL_TENSORS.weights, { shape: [model.buckets], data: model.weights }],
      [LEXICAL_TENSORS.idf, { shape: [model.buckets], data: model.idf }],
    ],
    { format: 'pt', producer: 'routellm train' },
  );
  return { weights, config: `${JSON.stringify(config, null, 2)}\n` };
}
