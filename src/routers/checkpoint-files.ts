import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { ConfigError, RouterError, type RouterContext, type RouterOptions } from '../core/index.js';
import { allInOrder } from '../runtime/all-in-order.js';
import { stringOption } from './router-options.js';

/** The two files of a checkpoint (`model.safetensors` + `config.json`), read. */
export interface CheckpointFiles<Config extends Uint8Array | undefined = Uint8Array> {
  readonly weights: Uint8Array;
  /** Undefined only when asked with `optionalConfig` and a hub repo has no config.json. */
  readonly config: Config;
  readonly weightsPath: string;
  readonly configPath: string;
  /** sha256 of both files: the router's fingerprint changes with either. */
  readonly digest: string;
  /** The hub repo the files came from, when `checkpoint_path` named one. */
  readonly repo?: string;
}

/**
 * Reads a checkpoint named by the options `checkpoint_path` (a model.safetensors file, a
 * directory holding it and config.json, or a Hugging Face hub id such as
 * `routellm/mf_gpt4_augmented` when no such local path exists) and `config_path`, by default
 * `datasetsDir/defaultDir`. A missing file is a ConfigError saying which option to set.
 * `optionalConfig`: a hub repo without config.json is fine (the router has defaults for it).
 */
export async function readCheckpointFiles(router: string, options: RouterOptions, context: RouterContext, defaultDir: string): Promise<CheckpointFiles>;
export async function readCheckpointFiles(
  router: string,
  options: RouterOptions,
  context: RouterContext,
  defaultDir: string,
  how: { optionalConfig: true },
): Promise<CheckpointFiles<Uint8Array | undefined>>;
export async function readCheckpointFiles(
  router: string,
  options: RouterOptions,
  context: RouterContext,
  defaultDir: string,
  how: { optionalConfig?: boolean } = {},
): Promise<CheckpointFiles<Uint8Array | undefined>> {
  const given = stringOption(router, options, 'checkpoint_path');
  const configOption = stringOption(router, options, 'config_path');
  const repo = given === undefined ? undefined : await context.hub?.repoOf(given);
  let checkpointPath = given ?? join(context.datasetsDir, defaultDir);
  let hubConfigPath: string | undefined;
  let configMissing = false;
  if (repo !== undefined && context.hub) {
    const wanted = configOption === undefined ? ['model.safetensors', 'config.json'] : ['model.safetensors'];
    const found = await context.hub.modelFiles(repo, wanted, { purpose: `${router}.checkpoint_path`, ...(how.optionalConfig ? { optional: ['config.json'] } : {}) });
    checkpointPath = found['model.safetensors']!;
    hubConfigPath = found['config.json'];
    configMissing = configOption === undefined && hubConfigPath === undefined;
  }
  const weightsPath = checkpointPath.endsWith('.safetensors') ? checkpointPath : join(checkpointPath, 'model.safetensors');
  const configPath = configOption ?? hubConfigPath ?? join(weightsPath, '..', 'config.json');
  const read = async (path: string) => {
    try {
      return await context.readFile(path);
    } catch (error) {
      throw new ConfigError(
        `${router}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); set checkpoint_path to a directory with model.safetensors and config.json, or to a Hugging Face hub id`,
      );
    }
  };
  const [weights, config] = await allInOrder([read(weightsPath), configMissing ? Promise.resolve(undefined) : read(configPath)]);
  const hash = createHash('sha256').update(weights);
  if (config) hash.update(config);
  return {
    weights,
    config,
    weightsPath,
    configPath: configMissing ? `${repo} (no config.json)` : configPath,
    digest: hash.digest('hex'),
    ...(repo === undefined ? {} : { repo }),
  };
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
