import { join } from 'node:path';
import { type Router, type RouterContext, type ShareResolver } from '../core/index.js';
import { findTableEntry, shareResolverFromTables, validateCalibrationTable, type CalibrationTable, type SourcedTable } from './calibration-table.js';

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

/** Share resolution at start-up: the resolver, and each loaded router it will refuse. */
export interface LoadedShareTables {
  /** Undefined when there is no table at all (the Controller then refuses shares itself). */
  readonly resolveShare: ShareResolver | undefined;
  /** One line per loaded router whose shares will be refused; names the table's path (for the server's log, not clients). */
  readonly problems: readonly string[];
}

/**
 * The `resolveShare` that `serve` and `route` use for `router-mf-50%`: `$ROUTELLM_CALIBRATION_TABLE`
 * (one made from your own traffic) first, then the shipped table for the routers it lacks; each
 * entry checked against the loaded router's fingerprint. A chosen table that is missing or broken
 * refuses every share with the reason, while numeric thresholds keep working.
 */
export async function loadShareTables(routers: ReadonlyMap<string, Router>, context: RouterContext): Promise<LoadedShareTables> {
  const shippedPath = shippedTablePath(context.datasetsDir);
  const customPath = context.env['ROUTELLM_CALIBRATION_TABLE'] || undefined;
  const shipped = await readCalibrationTable(shippedPath, context.readFile);
  const custom = customPath === undefined ? undefined : ((await readCalibrationTable(customPath, context.readFile)) ?? 'file not found');
  const tables: SourcedTable[] = [];
  if (custom !== undefined) tables.push({ table: custom, source: 'custom' });
  if (shipped !== undefined) tables.push({ table: shipped, source: 'shipped' });
  const paths = [...(customPath ? [customPath] : []), ...(shipped !== undefined ? [shippedPath] : [])];
  const problems = [...routers.keys()].flatMap((name) => {
    const found = findTableEntry(tables, name, routers.get(name));
    if (!('problem' in found)) return [];
    return [`shares like router-${name}-50% will be refused: ${found.problem}${paths.length ? ` (tables: ${paths.join(', ')})` : ''}`];
  });
  return { resolveShare: tables.length > 0 ? shareResolverFromTables(tables, routers) : undefined, problems };
}

/** loadShareTables' resolver alone. */
export async function loadShippedShareResolver(routers: ReadonlyMap<string, Router>, context: RouterContext): Promise<ShareResolver | undefined> {
  return (await loadShareTables(routers, context)).resolveShare;
}
