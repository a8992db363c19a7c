import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { ConfigError, type Router, type RouterFactory, type RouterOptions } from '../../core/index.js';
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

function stringOption(options: RouterOptions, key: string): string | undefined {
  const value = options[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) throw new ConfigError(`lexical: option "${key}" must be a non-empty string`);
  return value;
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
    for (const key of Object.keys(options)) {
      if (!(OPTION_KEYS as readonly string[]).includes(key)) {
        throw new ConfigError(`lexical: unknown option "${key}"; known options: ${OPTION_KEYS.join(', ')}`);
      }
    }
    const checkpointPath = stringOption(options, 'checkpoint_path') ?? join(context.datasetsDir, DEFAULT_LEXICAL_DIR);
    const weightsPath = checkpointPath.endsWith('.safetensors') ? checkpointPath : join(checkpointPath, 'model.safetensors');
    const configPath = stringOption(options, 'config_path') ?? join(weightsPath, '..', 'config.json');
    const read = async (path: string) => {
      try {
        return await context.readFile(path);
      } catch (error) {
        throw new ConfigError(
          `lexical: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); set checkpoint_path to a directory with model.safetensors and config.json`,
        );
      }
    };
    const [weights, config] = await Promise.all([read(weightsPath), read(configPath)]);
    const { model } = decodeLexicalCheckpoint(weights, config, { weights: weightsPath, config: configPath });
    return createLexicalRouter(model, createHash('sha256').update(weights).update(config).digest('hex'));
  },
};
