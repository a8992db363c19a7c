import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package root, found from this file's location: src/runtime (tests) or
 * dist/src/runtime (built) both sit below it.
 */
export function packageRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return here.includes(`${join('dist', 'src')}`) ? join(here, '..', '..', '..') : join(here, '..', '..');
}

/** The shipped `datasets/` directory (weights, quantile tables). */
export function datasetsDir(): string {
  return join(packageRoot(), 'datasets');
}
