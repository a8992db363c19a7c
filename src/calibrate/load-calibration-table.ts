import { join } from 'node:path';
import { type Router, type RouterContext, type RouterOptions, type ShareResolver, type ThresholdAdvisor } from '../core/index.js';
import { publishedShareRates } from './published-win-rates.js';
import { thresholdAdvice } from './threshold-advice.js';
import { thresholdForShare } from './threshold-for-share.js';
import { findSourcedEntry, findTableEntry, shareResolverFromTables, validateCalibrationTable, type CalibrationTable, type SourcedTable } from './calibration-table.js';

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

/** Where the calibration tables in force live, in order of preference. */
export interface CalibrationTablePaths {
  /** A table of your own (made with `routellm calibrate --write-table --prompts FILE --table FILE`), if one is chosen. */
  readonly custom: string | undefined;
  /** The shipped table, for the routers `custom` lacks. */
  readonly shipped: string;
}

/** The tables in force: `$ROUTELLM_CALIBRATION_TABLE` if set, then the shipped one. */
export function calibrationTablePaths(env: Readonly<Record<string, string | undefined>>, datasetsDir: string): CalibrationTablePaths {
  return { custom: env['ROUTELLM_CALIBRATION_TABLE'] || undefined, shipped: shippedTablePath(datasetsDir) };
}

/** The calibration tables in force, read, in order of preference (see findTableEntry). */
export interface ShareTables {
  readonly tables: readonly SourcedTable[];
  /** The paths of those tables, for messages to the operator (never to clients). */
  readonly paths: readonly string[];
}

/**
 * Reads the tables at `paths`. A chosen custom table that is missing is kept as unusable
 * ('file not found'), so that it refuses shares rather than silently giving the shipped
 * table's; a missing shipped table is left out. `customLabel` names the custom table in
 * messages when it is not `$ROUTELLM_CALIBRATION_TABLE` (calibrate's --table).
 */
export async function readShareTables(paths: CalibrationTablePaths, readFile: RouterContext['readFile'], customLabel?: string): Promise<ShareTables> {
  const tables: SourcedTable[] = [];
  const found: string[] = [];
  if (paths.custom !== undefined) {
    const table = (await readCalibrationTable(paths.custom, readFile)) ?? 'file not found';
    tables.push({ table, source: 'custom', ...(customLabel !== undefined ? { label: customLabel } : {}) });
    found.push(paths.custom);
  }
  const shipped = await readCalibrationTable(paths.shipped, readFile);
  if (shipped !== undefined) {
    tables.push({ table: shipped, source: 'shipped' });
    found.push(paths.shipped);
  }
  return { tables, paths: found };
}

/** ` (tables: a, b)`, or nothing when there is no table: appended to a problem for the operator. */
export function tablePathsSuffix(tables: ShareTables): string {
  return tables.paths.length > 0 ? ` (tables: ${tables.paths.join(', ')})` : '';
}

/** Share resolution at start-up: the resolver, and each loaded router it will refuse. */
export interface LoadedShareTables {
  /** Undefined when there is no table at all (the Decider then refuses shares itself). */
  readonly resolveShare: ShareResolver | undefined;
  /** One line per loaded router whose shares will be refused; names the table's path (for the server's log, not clients). */
  readonly problems: readonly string[];
  /** Advice on a numeric threshold of a loaded router the tables know (see thresholdAdvice). */
  readonly adviseThreshold: ThresholdAdvisor;
}

/**
 * The `resolveShare` that `serve` and `route` use for `router-mf-50%`: `$ROUTELLM_CALIBRATION_TABLE`
 * (one made from your own traffic) first, then the shipped table for the routers it lacks; each
 * entry checked against the loaded router's fingerprint. A chosen table that is missing or broken
 * refuses every share with the reason, while numeric thresholds keep working.
 *
 * A router no table fits that runs RouteLLM's own published weights (its config.example.yaml, as
 * `optionsOf` tells) is cut on the win rates RouteLLM published for them, read once here, as
 * `calibrate` reads them: the share means what it means in RouteLLM and in calibrate.
 */
export async function loadShareTables(
  routers: ReadonlyMap<string, Router>,
  context: RouterContext,
  optionsOf: (name: string) => RouterOptions | undefined = () => undefined,
  ownRouters: ReadonlySet<string> = new Set(),
): Promise<LoadedShareTables> {
  const loaded = await readShareTables(calibrationTablePaths(context.env, context.datasetsDir), context.readFile);
  const published = new Map<string, Float64Array>();
  const problems: string[] = [];
  for (const name of routers.keys()) {
    // A router of the program's own is in no table by nature: said when a share is asked of it, not at start-up.
    if (ownRouters.has(name)) continue;
    const found = findTableEntry(loaded.tables, name, routers.get(name));
    if (!('problem' in found)) continue;
    try {
      const rates = await publishedShareRates(name, optionsOf(name), context, 'serve');
      if (rates !== undefined) {
        published.set(name, rates);
        continue;
      }
    } catch (error) {
      problems.push(`shares like router-${name}-50% will be refused: RouteLLM's published win rates for its ${name} weights could not be read: ${(error as Error).message}`);
      continue;
    }
    problems.push(`shares like router-${name}-50% will be refused: ${found.problem}${tablePathsSuffix(loaded)}`);
  }
  const adviseThreshold: ThresholdAdvisor = (name, threshold) => {
    const found = findSourcedEntry(loaded.tables, name, routers.get(name));
    return 'problem' in found ? undefined : thresholdAdvice(name, threshold, found.entry, found.label);
  };
  const fromTables = loaded.tables.length > 0 ? shareResolverFromTables(loaded.tables, routers, ownRouters) : undefined;
  const resolveShare: ShareResolver | undefined =
    published.size === 0 ? fromTables : (name, share) => (published.has(name) ? thresholdForShare(published.get(name) as Float64Array, share) : fromTables?.(name, share));
  return { resolveShare, problems, adviseThreshold };
}
