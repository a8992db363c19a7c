import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { ConfigError, RouterError, type RouterContext, type RouterOptions } from '../core/index.js';
import { allInOrder } from '../runtime/all-in-order.js';
import { stringOption } from './router-options.js';

/** The two files of a checkpoint (`model.safetensors` + `config.json`), read. */
export interface CheckpointFiles {
  readonly weights: Uint8Array;
  readonly config: Uint8Array;
  readonly weightsPath: string;
  readonly configPath: string;
  /** sha256 of both files: the router's fingerprint changes with either. */
  readonly digest: string;
}

/**
 * Reads a checkpoint named by the options `checkpoint_path` (a model.safetensors file, or a
 * directory holding it and config.json) and `config_path`, by default `datasetsDir/defaultDir`.
 * A missing file is a ConfigError saying which option to set.
 */
export async function readCheckpointFiles(router: string, options: RouterOptions, context: RouterContext, defaultDir: string): Promise<CheckpointFiles> {
  const checkpointPath = stringOption(router, options, 'checkpoint_path') ?? join(context.datasetsDir, defaultDir);
  const weightsPath = checkpointPath.endsWith('.safetensors') ? checkpointPath : join(checkpointPath, 'model.safetensors');
  const configPath = stringOption(router, options, 'config_path') ?? join(weightsPath, '..', 'config.json');
  const read = async (path: string) => {
    try {
      return await context.readFile(path);
    } catch (error) {
      throw new ConfigError(
        `${router}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); set checkpoint_path to a directory with model.safetensors and config.json`,
      );
    }
  };
  const [weights, config] = await allInOrder([read(weightsPath), read(configPath)]);
  return { weights, config, weightsPath, configPath, digest: createHash('sha256').update(weights).update(config).digest('hex') };
}

/**
 * Runs the decoding of a router's files (and the checks of its options against them). What is
 * wrong there — a truncated file, a shape that disagrees with config.json, a model the weights do
 * not know — is the user's files or configuration to fix, not a failure of the run: its
 * RouterError becomes a ConfigError (exit 2) with the same message. Other errors pass unchanged.
 */
export async function asConfigErrors<T>(decode: () => T | Promise<T>): Promise<T> {
  try {
    return await decode();
  } catch (error) {
    if (error instanceof RouterError) throw new ConfigError(error.message, { cause: error });
    throw error;
  }
}

/** Parses a checkpoint's config.json into an object, or throws a RouterError naming the file. */
export function parseConfigObject(bytes: Uint8Array, source: string): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new RouterError(`${source}: not valid JSON (${(error as Error).message})`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new RouterError(`${source}: expected a JSON object`);
  return raw as Record<string, unknown>;
}
