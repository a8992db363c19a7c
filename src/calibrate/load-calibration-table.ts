import { join } from 'node:path';
import { RoutingError, type Router, type RouterContext, type ShareResolver } from '../core/index.js';
import { shareResolverFromTable, validateCalibrationTable, type CalibrationTable } from './calibration-table.js';

/** Where the shipped table lives inside the package's `datasets/`. */
export function shippedTablePath(datasetsDir: string): string {
  return join(datasetsDir, 'calibration', 'quantiles.json');
}

/**
 * Reads a calibration table. Returns undefined when the file does not exist, the reason
 * as a string when it exists but is not a valid table.
 */
export async function readCalibrationTable(path: string, readFile: RouterContext['readFile']): Promise<CalibrationTable | string | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return `cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
  }
  try {
    return validateCalibrationTable(JSON.parse(new TextDecoder().decode(bytes)));
  } catch {
    return 'not valid JSON';
  }
}

/**
 * The table in force: `$ROUTELLM_CALIBRATION_TABLE` (one made from your own traffic with
 * `routellm calibrate --write-table --prompts FILE --table FILE`), else the shipped one.
 */
export function calibrationTablePath(env: Readonly<Record<string, string | undefined>>, datasetsDir: string): { path: string; shipped: boolean } {
  const given = env['ROUTELLM_CALIBRATION_TABLE'];
  return given ? { path: given, shipped: false } : { path: shippedTablePath(datasetsDir), shipped: true };
}

/**
 * The `resolveShare` that `serve` and `route` use for `router-mf-50%`: the calibration table
 * (see calibrationTablePath), checked against the loaded routers' fingerprints. No shipped
 * table: shares are refused by the Controller; a broken or missing chosen table: refused
 * with the reason, while numeric thresholds keep working.
 */
export async function loadShippedShareResolver(routers: ReadonlyMap<string, Router>, context: RouterContext): Promise<ShareResolver | undefined> {
  const { path, shipped } = calibrationTablePath(context.env, context.datasetsDir);
  const table = await readCalibrationTable(path, context.readFile);
  if (table === undefined && shipped) return undefined;
  if (table === undefined || typeof table === 'string') {
    const reason = table ?? 'file not found';
    return () => {
      throw new RoutingError(`the calibration table ${path} is unusable (${reason}); give a threshold in [0, 1] instead`, {
        param: 'model',
        code: 'invalid_threshold',
      });
    };
  }
  return shareResolverFromTable(table, routers, path);
}
