import { UsageError } from '../core/index.js';
import { MIN_EVAL_PROMPTS } from '../eval/check-benchmark.js';

/**
 * Fewest prompts a share is cut on (`calibrate --prompts`): eval's minimum. Below ten each prompt is
 * over a tenth of the traffic, so one prompt moves a share by ten points or more.
 */
export const MIN_PROMPTS = MIN_EVAL_PROMPTS;

/**
 * Prompts below which a share cut on them is still noisy: on new traffic like them, the share a
 * threshold cut at p gives varies by about sqrt(p(1 - p) / n) (one standard deviation), 5 points at
 * p = 50% and n = 100, and more below.
 */
export const STEADY_SHARE_PROMPTS = 100;

/**
 * calibrate's check of the prompts it cuts a share on: a UsageError below MIN_PROMPTS (as eval
 * refuses them), one warning line below STEADY_SHARE_PROMPTS saying how noisy the share is,
 * undefined otherwise. `share`: the one asked for (undefined for a table of many: 50%, the worst).
 */
export function sharePromptCountCheck(count: number, label: string, share: number | undefined): string | undefined {
  if (count < MIN_PROMPTS) {
    throw new UsageError(
      `${label} has ${count} prompt${count === 1 ? '' : 's'}; calibrate needs at least ${MIN_PROMPTS}, as eval does (each prompt is ${percent(1 / count)} of the traffic a share is cut on, so the threshold would be noise)`,
    );
  }
  const p = share ?? 0.5;
  const spread = (n: number) => Math.sqrt((p * (1 - p)) / n) * 100;
  if (count >= STEADY_SHARE_PROMPTS || spread(count) === 0) return undefined;
  return (
    `${label} has ${count} prompts: a share cut on so few is noisy (on new traffic like them, the share it gives varies by about ` +
    `±${spread(count).toFixed(1)} points, one standard deviation at ${percent(p)}); ${STEADY_SHARE_PROMPTS} prompts or more bring that to ±${spread(STEADY_SHARE_PROMPTS).toFixed(1)}`
  );
}

function percent(fraction: number): string {
  return `${Number((fraction * 100).toFixed(1))}%`;
}
