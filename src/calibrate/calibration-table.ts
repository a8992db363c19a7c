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

/**
 * The Controller's `resolveShare` over a table and the loaded routers: a router missing
 * from the table resolves to nothing (the Controller then says so); a router whose
 * fingerprint differs from the table's is refused, since its quantiles would be wrong.
 */
export function shareResolverFromTable(table: CalibrationTable, routers: ReadonlyMap<string, Router>, where: string): ShareResolver {
  return (name, share) => {
    const entry = table.routers[name];
    if (!entry) return undefined;
    const router = routers.get(name);
    if (router && router.fingerprint !== entry.fingerprint) {
      throw new RoutingError(
        `the calibration table ${where} was made for router "${name}" with other weights or options; ` +
          'regenerate it (npm run calibration:table) or give a threshold in [0, 1]',
        { param: 'model', code: 'invalid_threshold' },
      );
    }
    return thresholdFromEntry(entry, share);
  };
}
