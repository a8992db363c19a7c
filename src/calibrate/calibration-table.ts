import { RoutingError, type Router, type ShareResolver } from '../core/index.js';
import { quantileOfSorted } from '../eval/metrics/quantile.js';

/** Format tag of the shipped table; bump when the layout changes. */
export const CALIBRATION_TABLE_FORMAT = 'routellm-calibration-table/1';

/** One router's win-rate quantiles over the table's prompts. */
export interface CalibrationEntry {
  /** The router fingerprint the quantiles were computed with: other weights, other table. */
  readonly fingerprint: string;
  readonly n: number;
  /** quantiles[i] = the i/(length-1) quantile of the win rates (pandas linear). */
  readonly quantiles: readonly number[];
}

/** The shipped table: win-rate quantiles per router over one public prompt sample. */
export interface CalibrationTable {
  readonly format: typeof CALIBRATION_TABLE_FORMAT;
  readonly made_by: string;
  readonly prompts: { readonly source: string; readonly n: number };
  readonly routers: Readonly<Record<string, CalibrationEntry>>;
}

/** The quantiles of sorted win rates at `levels` evenly spaced points (0, ..., 1). */
export function quantileGrid(sortedRates: ArrayLike<number>, levels: number): number[] {
  const grid: number[] = [];
  for (let i = 0; i < levels; i += 1) grid.push(quantileOfSorted(sortedRates, i === levels - 1 ? 1 : i / (levels - 1)));
  return grid;
}

/**
 * The threshold for a strong share from a table entry: the (1 - share) quantile, read off
 * the grid with linear interpolation (exact at grid points, e.g. every 0.1%).
 */
export function thresholdFromEntry(entry: CalibrationEntry, share: number): number {
  const grid = entry.quantiles;
  const last = grid.length - 1;
  const position = Math.min(Math.max((1 - share) * last, 0), last);
  const below = Math.floor(position);
  const lower = grid[below] as number;
  const fraction = position - below;
  return fraction === 0 ? lower : lower + ((grid[below + 1] as number) - lower) * fraction;
}

/**
 * The share of the table's prompts whose win rate reaches `threshold` (strong calls at that
 * threshold): the inverse of thresholdFromEntry, read off the same grid with linear
 * interpolation. A threshold inside a run of tied quantiles counts the whole run as strong, as
 * `rate >= threshold` does.
 */
export function shareAtThreshold(entry: CalibrationEntry, threshold: number): number {
  const grid = entry.quantiles;
  const last = grid.length - 1;
  let first = 0;
  while (first <= last && (grid[first] as number) < threshold) first += 1;
  if (first === 0) return 1;
  if (first > last) return 0;
  const lower = grid[first - 1] as number;
  const upper = grid[first] as number;
  const position = first - 1 + (threshold - lower) / (upper - lower);
  return 1 - position / last;
}

/**
 * Checks a parsed JSON document against the table's shape; returns the reason it is
 * not a table, or the table.
 */
export function validateCalibrationTable(document: unknown): CalibrationTable | string {
  if (document === null || typeof document !== 'object' || Array.isArray(document)) return 'not a JSON object';
  const table = document as Record<string, unknown>;
  if (table['format'] !== CALIBRATION_TABLE_FORMAT) return `format ${JSON.stringify(table['format'])}, expected "${CALIBRATION_TABLE_FORMAT}"`;
  const routers = table['routers'];
  if (routers === null || typeof routers !== 'object' || Array.isArray(routers)) return 'no "routers" object';
  for (const [name, entry] of Object.entries(routers)) {
    const { fingerprint, n, quantiles } = (entry ?? {}) as Record<string, unknown>;
    if (typeof fingerprint !== 'string' || typeof n !== 'number' || !Array.isArray(quantiles) || quantiles.length < 2) {
      return `router "${name}" needs "fingerprint", "n" and at least two "quantiles"`;
    }
    for (let i = 0; i < quantiles.length; i += 1) {
      const value = quantiles[i];
      if (typeof value !== 'number' || !(value >= 0 && value <= 1) || (i > 0 && value < (quantiles[i - 1] as number))) {
        return `router "${name}": quantiles must be non-decreasing numbers in [0, 1]`;
      }
    }
  }
  return document as CalibrationTable;
}

/** Which table an entry came from: messages name it this way, never by path, since they reach clients. */
export type TableSource = 'shipped' | 'custom';

/** A table in force, with where it came from; a string when it exists but cannot be used (the reason). */
export interface SourcedTable {
  readonly table: CalibrationTable | string;
  readonly source: TableSource;
  /** How messages name it, when not tableLabel(source) (calibrate's --table); never a path where the message may reach a client. */
  readonly label?: string;
}

/** How a table is named in messages. */
export function tableLabel(source: TableSource): string {
  return source === 'shipped' ? 'the shipped calibration table' : 'the calibration table in ROUTELLM_CALIBRATION_TABLE';
}

/** The last resort ownTableHint offers where a model name takes a threshold (route, serve). */
const NUMERIC_THRESHOLD_HINT = 'give a threshold in [0, 1]';

/**
 * What to do when no table fits a router: make one from your own prompts (the shipped one is for
 * the shipped weights); `otherwise`, the alternative that needs no table where the message is read.
 */
export function ownTableHint(router: string, otherwise: string = NUMERIC_THRESHOLD_HINT): string {
  return (
    `make one for your router with routellm calibrate --write-table --routers ${router} --prompts YOUR_PROMPTS --table mine.json ` +
    `(and the same --config), then set ROUTELLM_CALIBRATION_TABLE=mine.json; or ${otherwise}`
  );
}

/**
 * Why shares of router `name` cannot be resolved from these tables (in order of preference:
 * the first that has the router decides), or its entry. A router missing from one table falls
 * back to the next; an entry made with another fingerprint is refused, since its quantiles
 * would be wrong; an unusable table refuses every router it is asked for.
 * `router` undefined: not loaded, so no fingerprint to check. `otherwise`: as in ownTableHint.
 */
export function findTableEntry(
  tables: readonly SourcedTable[],
  name: string,
  router: Router | undefined,
  otherwise?: string,
): CalibrationEntry | { readonly problem: string } {
  const found = findSourcedEntry(tables, name, router, otherwise);
  return 'problem' in found ? found : found.entry;
}

/** findTableEntry, with how messages name the table the entry came from. */
export function findSourcedEntry(
  tables: readonly SourcedTable[],
  name: string,
  router: Router | undefined,
  otherwise?: string,
): { readonly entry: CalibrationEntry; readonly label: string } | { readonly problem: string } {
  const hint = ownTableHint(name, otherwise);
  const labelOf = ({ source, label }: SourcedTable) => label ?? tableLabel(source);
  for (const sourced of tables) {
    const { table, source } = sourced;
    if (typeof table === 'string') {
      return { problem: `${labelOf(sourced)} is unusable (${table}); ${source === 'custom' ? 'fix it' : 'reinstall the package'}, or ${hint}` };
    }
    const entry = table.routers[name];
    if (!entry) continue;
    if (router && router.fingerprint !== entry.fingerprint) {
      return { problem: `${labelOf(sourced)} was made for router "${name}" with other weights or options; ${hint}` };
    }
    return { entry, label: labelOf(sourced) };
  }
  const labels = tables.map(labelOf);
  return { problem: `${labels.length > 0 ? `${labels.join(' and ')} ${labels.length > 1 ? 'have' : 'has'} no router "${name}"` : `no calibration table for router "${name}"`}; ${hint}` };
}

/**
 * The Decider's `resolveShare` over tables in order of preference and the loaded routers
 * (see findTableEntry); refusals are RoutingErrors (HTTP 400) that name no path. `ownRouters`:
 * routers of the program's own, whose refusal cannot point at `routellm calibrate`, which cannot load them.
 */
export function shareResolverFromTables(tables: readonly SourcedTable[], routers: ReadonlyMap<string, Router>, ownRouters: ReadonlySet<string> = new Set()): ShareResolver {
  return (name, share) => {
    const found = findTableEntry(tables, name, routers.get(name));
    if ('problem' in found) throw new RoutingError(ownRouters.has(name) ? ownRouterShareProblem(name, share) : found.problem, { param: 'model', code: 'invalid_threshold' });
    return thresholdFromEntry(found, share);
  };
}

/** Why a share of a router in the program's own code is refused, and what works instead. */
function ownRouterShareProblem(name: string, share: number): string {
  return (
    `router "${name}" is one of this program's own, and no calibration table knows its win rates, so the share ${Number((share * 100).toFixed(4))}% ` +
    `cannot be turned into a threshold; give a threshold in [0, 1] instead (router-${name}-0.5)`
  );
}
