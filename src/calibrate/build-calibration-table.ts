import type { Router } from '../core/index.js';
import { sortedAscending } from '../eval/metrics/quantile.js';
import { CALIBRATION_TABLE_FORMAT, quantileGrid, type CalibrationEntry, type CalibrationTable } from './calibration-table.js';

/** Quantile levels in the shipped table: every 0.1% of strong share. */
export const TABLE_LEVELS = 1001;

/** The command that regenerates the shipped table, recorded in it. */
export const TABLE_COMMAND = 'npm run calibration:table  (= routellm calibrate --write-table)';

/** Builds the table from each router's win rates over the same prompts. */
export function buildCalibrationTable(options: {
  readonly source: string;
  readonly n: number;
  readonly rates: readonly { readonly router: Router; readonly rates: ArrayLike<number> }[];
  readonly levels?: number;
  /** The command that made it (default: the shipped table's npm script). */
  readonly madeBy?: string;
}): CalibrationTable {
  const routers: Record<string, CalibrationEntry> = {};
  for (const { router, rates } of options.rates) {
    routers[router.name] = {
      fingerprint: router.fingerprint,
      n: rates.length,
      quantiles: quantileGrid(sortedAscending(rates), options.levels ?? TABLE_LEVELS),
    };
  }
  return { format: CALIBRATION_TABLE_FORMAT, made_by: options.madeBy ?? TABLE_COMMAND, prompts: { source: options.source, n: options.n }, routers };
}
