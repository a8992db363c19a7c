import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../core/index.js';
import { BATTLES_FILE, EMBEDDINGS_FILE } from '../routers/sw-ranking/sw-ranking-data.js';
import { MODEL_CARD_FILE } from '../eval/trained-prompts.js';
import { checkOutputFiles, fsUsageError, isFsError } from '../runtime/output-path.js';
import { writeFilesAtomic } from '../runtime/write-file-atomic.js';

/** The routers `train` makes. */
export type TrainedRouter = 'mf' | 'sw_ranking' | 'lexical' | 'difficulty' | 'knn';


/** The files each router's training writes into --out (and its loader reads). */
export const TRAINED_FILES: Readonly<Record<TrainedRouter, readonly string[]>> = {
  mf: ['model.safetensors', 'config.json', MODEL_CARD_FILE],
  lexical: ['model.safetensors', 'config.json', MODEL_CARD_FILE],
  difficulty: ['model.safetensors', 'config.json', MODEL_CARD_FILE],
  knn: ['model.safetensors', 'config.json', MODEL_CARD_FILE],
  sw_ranking: [BATTLES_FILE, EMBEDDINGS_FILE, MODEL_CARD_FILE],
};

/**
 * Checks --out before any data is read: it can hold the router's files, and it does not
 * hold another kind of router, which the new files would replace in part (mf over
 * sw_ranking leaves both sets and a directory no loader understands) or in whole. A router
 * of the same kind is replaced only with `force` (--force): a serve started on those weights
 * would load the new ones, unasked, at its next reload or restart.
 */
export async function checkTrainOut(out: string, router: TrainedRouter, force = false): Promise<void> {
  await checkOutputFiles(out, TRAINED_FILES[router], '--out');
  const found = await routerIn(out);
  if (found && found.router !== router) {
    throw new UsageError(
      `--out ${out} holds a ${found.router} router (${found.files.join(', ')}); training ${router} there would mix the two: choose a new or empty directory, or delete those files first`,
    );
  }
  if (found && !force) {
    throw new UsageError(
      `--out ${out} holds a ${router} router already (${found.files.join(', ')}); a serve on those weights would load the new ones at its next reload: choose a new directory, or add --force to replace them`,
    );
  }
}

/** The kind of router a directory holds, from its file names and config.json; undefined when none. */
async function routerIn(directory: string): Promise<{ router: TrainedRouter; files: string[] } | undefined> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch {
    return undefined; // not there yet (checkOutputFiles has vetted the rest)
  }
  const swFiles = names.filter((name) => name === BATTLES_FILE || name === EMBEDDINGS_FILE);
  if (swFiles.length > 0) return { router: 'sw_ranking', files: swFiles };
  if (!names.includes('config.json')) return undefined;
  let config: unknown;
  try {
    config = JSON.parse(await readFile(join(directory, 'config.json'), 'utf8'));
  } catch {
    return undefined; // not a router's config: not ours to judge
  }
  if (config === null || typeof config !== 'object') return undefined;
  // lexical-checkpoint.ts records its feature set; mf-checkpoint.ts its model names.
  const files = names.filter((name) => name === 'config.json' || name === 'model.safetensors');
  if ('features' in config && 'buckets' in config) return { router: 'lexical', files };
  if ('features' in config && 'multiple_choice' in config) return { router: 'difficulty', files };
  if ('router' in config && config.router === 'knn') return { router: 'knn', files };
  if ('model_names' in config || 'num_models' in config) return { router: 'mf', files };
  return undefined;
}

/**
 * Writes a trained router's files into --out as one set (all written, then all renamed), so a
 * failure leaves the old router whole; returns their paths.
 */
export async function writeTrainedFiles(out: string, files: readonly (readonly [name: string, data: Uint8Array | string])[]): Promise<string[]> {
  try {
    return await writeFilesAtomic(out, files);
  } catch (error) {
    if (isFsError(error)) throw fsUsageError(error, 'write', `--out ${out}`);
    throw error;
  }
}
