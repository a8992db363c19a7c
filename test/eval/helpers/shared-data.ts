import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * The shared RouteLLM data ($ROUTELLM_DATA, or ../shared/datasets/routellm beside the
 * package), or undefined when absent. Under CI=true absence is an error: these tests
 * must fail there, never skip.
 */
export function sharedRoutellmData(): string | undefined {
  const given = process.env['ROUTELLM_DATA'];
  const candidates = given ? [resolve(given), resolve(given, 'routellm')] : [join(PACKAGE_ROOT, '..', 'shared', 'datasets', 'routellm')];
  const found = candidates.find((directory) => existsSync(join(directory, 'mmlu')));
  if (!found && process.env['CI']) {
    throw new Error(`shared RouteLLM data not found (looked in ${candidates.join(', ')}); set ROUTELLM_DATA`);
  }
  return found;
}

/**
 * The shared datasets directory (the parent of $ROUTELLM_DATA, or $ROUTELLM_DATA itself, or
 * ../shared/datasets beside the package) when it holds every one of `paths`; undefined when
 * absent, an error under CI=true (these tests must fail there, never skip).
 */
export function sharedDatasetsWith(...paths: string[]): string | undefined {
  const given = process.env['ROUTELLM_DATA'];
  const candidates = given ? [dirname(resolve(given)), resolve(given)] : [join(PACKAGE_ROOT, '..', 'shared', 'datasets')];
  const found = candidates.find((directory) => paths.every((path) => existsSync(join(directory, path))));
  if (!found && process.env['CI']) throw new Error(`shared datasets not found (looked in ${candidates.join(', ')}); set ROUTELLM_DATA`);
  return found;
}
