import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../../core/index.js';
import { packageRoot } from '../../runtime/package-paths.js';

const LAYOUT = ['mmlu', 'mt_bench', 'gsm8k'];

/**
 * The benchmark data directory: `--data`, then `$ROUTELLM_DATA`, then
 * `../shared/datasets/routellm` beside the package root. A directory holding a
 * `routellm/` folder (the shared datasets root) is taken to mean that folder.
 */
export function resolveDataDir(flag: string | undefined, env: Readonly<Record<string, string | undefined>>, cwd: string): string {
  const given = flag ?? (env['ROUTELLM_DATA'] || undefined);
  if (given !== undefined) return descend(resolve(cwd, given));
  const beside = join(packageRoot(), '..', 'shared', 'datasets', 'routellm');
  if (existsSync(beside)) return beside;
  throw new UsageError('no benchmark data: pass --data DIR or set ROUTELLM_DATA to a directory laid out like the Python RouteLLM\'s routellm/evals (mmlu/, mt_bench/, gsm8k/)');
}

function descend(directory: string): string {
  const nested = join(directory, 'routellm');
  const looksLikeData = LAYOUT.some((name) => existsSync(join(directory, name)));
  return !looksLikeData && existsSync(nested) ? nested : directory;
}
