import { createHash } from 'node:crypto';
import type { Router, RouterFactory } from '../../core/index.js';
import { asConfigErrors, readCheckpointFiles } from '../checkpoint-files.js';
import { rejectUnknownOptions } from '../router-options.js';
import { decodeLexicalCheckpoint } from './lexical-checkpoint.js';
import { lexicalWinRate, type LexicalModel } from './lexical-model.js';

/** Where the shipped weights live, under the package's datasets/. */
export const DEFAULT_LEXICAL_DIR = 'lexical';

const OPTION_KEYS = ['checkpoint_path', 'config_path'] as const;

export interface LexicalRouter extends Router {
  readonly model: LexicalModel;
}

/** Builds the router from a decoded model (no I/O). */
export function createLexicalRouter(model: LexicalModel, weightsDigest: string): LexicalRouter {
  const fingerprint = createHash('sha256').update(`lexical\0${weightsDigest}`).digest('hex').slice(0, 16);
  return {
    name: 'lexical',
    fingerprint,
    model,
    strongWinRate: (prompt) => lexicalWinRate(model, prompt),
  };
}

/**
 * The `lexical` factory: logistic regression over hashed word n-grams. With no options it loads
 * the shipped weights (datasets/lexical, trained by `routellm train --router lexical` on
 * multiple-choice questions). Options: `checkpoint_path` (a model.safetensors file or a
 * directory holding it and config.json), `config_path`.
 */
export const lexicalRouterFactory: RouterFactory = {
  name: 'lexical',
  description: 'logistic regression over hashed word n-grams; offline; options: checkpoint_path, config_path',
  offline: true,
  async create(options, context) {
    rejectUnknownOptions('lexical', options, OPTION_KEYS);
    const { weights, config, weightsPath, configPath, digest } = await readCheckpointFiles('lexical', options, context, DEFAULT_LEXICAL_DIR);
    const { model } = await asConfigErrors(() => decodeLexicalCheckpoint(weights, config, { weights: weightsPath, config: configPath }));
    return createLexicalRouter(model, digest);
  },
};
