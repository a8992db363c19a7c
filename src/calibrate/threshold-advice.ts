import { shareAtThreshold, thresholdFromEntry, type CalibrationEntry } from './calibration-table.js';

/** A threshold RouteLLM published for a share of strong calls, with the weights and prompts it holds for. */
export interface PublishedThreshold {
  readonly router: string;
  readonly threshold: number;
  /** The share of strong calls it was published for, a fraction. */
  readonly share: number;
  /** The weights it was calibrated with. */
  readonly weights: string;
  /** The prompts it was calibrated on. */
  readonly on: string;
}

/**
 * RouteLLM's published thresholds (its README's `calibrate_threshold` examples): users copy them
 * into model names (`router-mf-0.11593`), but they hold only for RouteLLM's own checkpoints.
 */
export const PUBLISHED_THRESHOLDS: readonly PublishedThreshold[] = [
  { router: 'mf', threshold: 0.11593, share: 0.5, weights: 'routellm/mf_gpt4_augmented', on: 'Chatbot Arena prompts' },
  { router: 'mf', threshold: 0.1881028115749359, share: 0.2, weights: 'routellm/mf_gpt4_augmented', on: 'Chatbot Arena prompts' },
];

/** How close a threshold must be to a published one to be taken for it (0.116 for 0.11593, 0.1881 for 0.18810...). */
const PUBLISHED_TOLERANCE = 5e-4;
/** A published threshold is worth a warning only when, here, it means a share this far from the one it was published for. */
const PUBLISHED_SHARE_GAP = 0.05;

/**
 * One line of advice for a numeric threshold whose meaning a calibration table knows, or
 * undefined when it needs none:
 * - a threshold RouteLLM published for its own weights, used where it means another share
 *   (`router-mf-0.11593` sends about 72% strong with the shipped mf, not 50%);
 * - a threshold outside the router's observed win rates (below the table's 1st or above its 99th
 *   percentile), where nearly every call goes to one model (0.5 sent nothing strong with the default router).
 * Each line says the share it means on `tableLabel`'s prompts, and how to ask for a share instead.
 * 0 and 1 are the deliberate "always strong" and "always weak" (the advice given for 0% and 100%): no warning.
 */
export function thresholdAdvice(router: string, threshold: number, entry: CalibrationEntry, tableLabel: string): string | undefined {
  if (threshold <= 0 || threshold >= 1) return undefined;
  const share = shareAtThreshold(entry, threshold);
  const asShare = (wanted: string) => `router-${router}-${wanted} (route --threshold ${wanted})`;
  const published = PUBLISHED_THRESHOLDS.find((p) => p.router === router && Math.abs(p.threshold - threshold) <= PUBLISHED_TOLERANCE);
  if (published && Math.abs(share - published.share) > PUBLISHED_SHARE_GAP) {
    const wanted = percent(published.share);
    return (
      `threshold ${threshold} is RouteLLM's published ${wanted} threshold for its own ${router} weights (${published.weights}, on ${published.on}); ` +
      `with these weights it sends about ${percent(share)} of calls to the strong model (${tableLabel}); for ${wanted}, ask for the share: ${asShare(wanted)}`
    );
  }
  const low = thresholdFromEntry(entry, 0.99);
  const high = thresholdFromEntry(entry, 0.01);
  if (threshold >= low && threshold <= high) return undefined;
  const where = threshold > high ? `above the 99th percentile of its win rates (${round(high)}` : `below the 1st percentile of its win rates (${round(low)}`;
  return (
    `threshold ${threshold} for router ${router} is ${where} on ${tableLabel}): about ${percent(share)} of calls go to the strong model; ` +
    `ask for a share of strong calls instead, e.g. ${asShare('50%')}`
  );
}

function percent(share: number): string {
  return `${+(share * 100).toFixed(1)}%`;
}

function round(value: number): string {
  return String(+value.toFixed(4));
}
